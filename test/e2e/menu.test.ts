import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { BIN, guestctl, leftovers, tempDir } from '../helpers/cli.js';

// `guestctl` without arguments: on a terminal (util-linux `script` provides the pty) the
// menu, against libvirt's test driver (LIBVIRT_DEFAULT_URI=test:///default: one running
// domain `test`, no CD-ROM, no guest agent); without a terminal, the usage.

const dir = tempDir('guestctl-menu-');
afterAll(() => {
  expect(leftovers(dir.path)).toEqual([]);
  dir.cleanup();
});

const DOWN = '\x1b[B';
const ENTER = '\r';

class Menu {
  readonly child: ChildProcessWithoutNullStreams;
  screen = '';
  constructor() {
    // The pty gets a size: enquirer shows as many choices as the terminal has rows.
    this.child = spawn('script', ['-qfec', `stty rows 40 cols 160; exec ${process.execPath} ${BIN}`, '/dev/null'], {
      env: {
        ...process.env,
        NO_COLOR: '1',
        TERM: 'xterm',
        LIBVIRT_DEFAULT_URI: 'test:///default',
        LIBVIRT_URI: '',
        XDG_CACHE_HOME: `${dir.path}/cache`,
        GUESTCTL_HISTORY: '/dev/null',
      },
    });
    this.child.stdout.on('data', (d: Buffer) => (this.screen += d.toString()));
  }
  async waitFor(re: RegExp, from = 0, ms = 20_000): Promise<void> {
    const end = Date.now() + ms;
    while (!re.test(this.screen.slice(from))) {
      if (Date.now() > end || this.child.exitCode !== null) throw new Error(`waiting for ${re}; screen: ${JSON.stringify(this.screen.slice(from))}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  /** Wait for the main menu (after `from`), then pick its n-th entry. */
  async pick(n: number, from: number): Promise<number> {
    await this.waitFor(/what do you want to do\?[\s\S]*Exit/, from);
    const mark = this.screen.length;
    this.child.stdin.write(DOWN.repeat(n));
    await new Promise((r) => setTimeout(r, 200));
    this.child.stdin.write(ENTER);
    return mark;
  }
  exited(): Promise<number | null> {
    return new Promise((res) => (this.child.exitCode !== null ? res(this.child.exitCode) : this.child.on('exit', res)));
  }
}

describe('guestctl with no arguments', () => {
  it('on a terminal: the menu scans, reports errors of the other entries and comes back, Exit ends with status 0', async () => {
    const m = new Menu();
    try {
      await m.waitFor(/Scan VMs[\s\S]*Open a VM shell[\s\S]*Edit a file in a VM[\s\S]*Insert\/eject an ISO[\s\S]*Exit/);
      // Scan VMs: the scan table with the test driver's domain.
      let mark = await m.pick(0, 0);
      await m.waitFor(/NAME +STATE +OS[^\n]*\n[^\n]*test +running +unknown \(no agent\) +2\.0 GiB \/ 8\.0 GiB +2 /, mark);
      // Insert/eject an ISO: pick the domain; it has no CD-ROM drive.
      mark = await m.pick(3, mark);
      await m.waitFor(/Which VM\?[\s\S]*test/, mark);
      m.child.stdin.write(ENTER);
      await m.waitFor(/error: domain test has no CD-ROM drive/, mark);
      // Open a VM shell: the shell of `test` cannot start (the test driver has no agent support).
      mark = await m.pick(1, mark);
      await m.waitFor(/Open a shell in which VM\?[\s\S]*test/, mark);
      m.child.stdin.write(ENTER);
      await m.waitFor(/error: this libvirt connection does not support guest agent commands/, mark);
      // Exit.
      await m.pick(4, mark);
      expect(await m.exited()).toBe(0);
    } finally {
      m.child.kill();
    }
  });

  it('Ctrl-C in the menu ends it with status 130', async () => {
    const m = new Menu();
    try {
      await m.waitFor(/what do you want to do\?[\s\S]*Exit/);
      m.child.stdin.write('\x03');
      expect(await m.exited()).toBe(130);
    } finally {
      m.child.kill();
    }
  });

  it('Esc in the main menu is a cancel too: status 130, no error', async () => {
    const m = new Menu();
    try {
      await m.waitFor(/what do you want to do\?[\s\S]*Exit/);
      m.child.stdin.write('\x1b');
      expect(await m.exited()).toBe(130);
      expect(m.screen).not.toContain('error:');
    } finally {
      m.child.kill();
    }
  });

  it('without a terminal: the usage, status 2', async () => {
    const r = await guestctl([], { env: { LIBVIRT_DEFAULT_URI: 'test:///default' } });
    expect(r.code).toBe(2);
    expect(r.stdout).toMatch(/^guestctl — a shell for libvirt\/QEMU guests\n\nusage:\n/);
    expect(r.stdout).toContain('guestctl scan [--connect URI]...');
    expect(r.stdout).toContain('guestctl iso list|insert|eject --domain NAME');
  });
});
