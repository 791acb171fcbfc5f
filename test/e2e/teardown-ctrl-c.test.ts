import { spawn } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { BIN, leftovers, sessionEnv, tempDir } from '../helpers/cli.js';
import { workCopy } from '../helpers/fixtures.js';

// A Ctrl-C typed at a terminal while the session closes the image: the terminal sends SIGINT
// to its whole foreground process group. The teardown steps (sync, umount, losetup -d) must
// not die of it: the session ends with 130 and nothing of it is left behind.

const dir = tempDir('guestctl-teardown-ctrl-c-');

afterAll(() => {
  expect(leftovers(dir.path)).toEqual([]);
  dir.cleanup();
});

/** Runs one -c command on a pty (util-linux script) and types Ctrl-C the moment its output appears. */
function ctrlCWhileClosing(img: string): Promise<{ code: number | null; screen: string }> {
  const child = spawn('script', ['-qfec', `exec ${process.execPath} ${BIN} interactive ${img} --ro -c pwd`, '/dev/null'], {
    env: { ...process.env, ...sessionEnv(img), NO_COLOR: '1', TERM: 'xterm', GUESTCTL_HISTORY: '/dev/null' },
  });
  let screen = '';
  let sent = false;
  child.stdout.on('data', (d: Buffer) => {
    screen += d.toString();
    if (!sent && screen.includes('/\r\n')) {
      sent = true;
      child.stdin.write('\x03');
    }
  });
  return new Promise((res) => child.on('exit', (code) => res({ code, screen })));
}

describe('Ctrl-C on a terminal while the session closes', () => {
  it('exits 130 with the image closed: no cleanup error, no mount, loop device or storage daemon left', { timeout: 300_000 }, async () => {
    const img = await workCopy('debian', dir.path);
    for (let i = 0; i < 4; i++) {
      const r = await ctrlCWhileClosing(img);
      expect(r.screen).not.toMatch(/cleanup incomplete|error:/);
      expect([0, 130]).toContain(r.code);
      expect(leftovers(dir.path)).toEqual([]);
    }
  });
});
