import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { guestctl, leftovers, shell, tempDir } from '../helpers/cli.js';
import { workCopy } from '../helpers/fixtures.js';

// The Live Monitoring commands need a RUNNING guest. On a disk image (here the hostile one,
// whose symlinks point at host files) they refuse with the reason before touching anything:
// no host process is listed, signalled or restarted, no host file is read or created.

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const dir = tempDir('guestctl-live-offline-');
const canary = '/tmp/guestctl-canary';
const canaries: Record<string, string> = {};
let img = '';

const LIVE_LINES = ['ps', 'ps sshd', 'top --once', 'kill 1', `kill ${process.pid} KILL`, 'metrics', 'bandwidth', 'scan-ports', 'restart ssh'];

beforeAll(async () => {
  img = await workCopy('hostile', dir.path);
  mkdirSync(canary, { recursive: true });
  for (const name of ['motd', 'issue']) {
    const p = join(canary, name);
    if (!existsSync(p)) writeFileSync(p, `HOST CANARY ${name}\n`);
    canaries[p] = sha256(readFileSync(p));
  }
  canaries['/etc/shadow'] = sha256(readFileSync('/etc/shadow'));
});

afterAll(() => {
  expect(leftovers(dir.path)).toEqual([]);
  dir.cleanup();
});

describe('live-only commands on a disk image', () => {
  it('each one refuses: "needs a running guest: open it with --domain NAME"', async () => {
    const r = await shell(img, LIVE_LINES, ['--keep-going']);
    const errors = r.stderr.split('\n').filter((l) => l.startsWith('error:'));
    expect(errors).toEqual(LIVE_LINES.map((l) => `error: ${l.split(' ')[0]} needs a running guest: open it with --domain NAME`));
    expect(r.stdout).toBe('');
    expect(r.code).toBe(1);
  });

  it('nothing on the host was touched (canaries, /etc/shadow, this test process, no new file)', async () => {
    for (const [p, sum] of Object.entries(canaries)) expect(sha256(readFileSync(p))).toBe(sum);
    expect(existsSync(join(canary, 'created-by-guest'))).toBe(false);
    expect(process.kill(process.pid, 0)).toBe(true);
  });

  it('help marks them as unavailable here, with the same reason', async () => {
    const r = await shell(img, ['help', 'help ps']);
    expect(r.code).toBe(0);
    for (const name of ['ps', 'top', 'kill', 'metrics', 'bandwidth', 'scan-ports', 'restart']) {
      expect(r.stdout).toMatch(new RegExp(`^  ${name} +\\S.*  \\(unavailable: needs a running guest: open it with --domain NAME\\)$`, 'm'));
    }
    expect(r.stdout).toMatch(/^  ls +List a guest directory(?:(?!unavailable).)*$/m);
    expect(r.stdout).toContain('unavailable here: ps needs a running guest: open it with --domain NAME');
    const json = await shell(img, ['help ps', 'help ls'], ['--json']);
    const [ps, ls] = json.stdout.split(/\n(?=\{)/).map((v) => JSON.parse(v));
    expect(ps).toMatchObject({ name: 'ps', available: false, reason: 'needs a running guest: open it with --domain NAME' });
    expect(ls).toMatchObject({ name: 'ls', available: true });
    expect(ls).not.toHaveProperty('reason');
  });

  it('guestctl edit needs a running guest too', async () => {
    const r = await guestctl(['edit', '/etc/motd']);
    expect([r.code, r.stderr]).toEqual([2, 'error: guestctl edit needs a running guest: guestctl edit --domain NAME [--connect URI] GUEST_PATH [--local PATH] [--backup] [--json]\n']);
  });
});
