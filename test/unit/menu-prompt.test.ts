import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { runMenu } from '../../src/libvirt/menu.js';

// The menu's prompts (real enquirer) on in-memory streams: only Ctrl-C/Esc is a cancel
// (130); a prompt that fails for another reason (its input ended) is an error and status 1,
// never "Cancelled" and never 0. The pty tests in test/e2e/menu.test.ts drive the real terminal.

function terminal() {
  // enquirer reads keys only from a TTY: this stream says it is one (raw mode is a no-op).
  const stdin = Object.assign(new PassThrough(), { isTTY: true, isRaw: false, setRawMode: () => stdin });
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let err = '';
  let screen = '';
  stdout.on('data', (d: Buffer) => (screen += d.toString()));
  stderr.on('data', (d: Buffer) => (err += d.toString()));
  const dispatched: string[][] = [];
  const menu = runMenu({
    stdin,
    stdout,
    stderr,
    env: { LIBVIRT_DEFAULT_URI: 'test:///default', PATH: process.env.PATH ?? '' },
    dispatch: async (argv) => {
      dispatched.push(argv);
      return 0;
    },
  });
  const type = async (keys: string) => {
    await new Promise((r) => setTimeout(r, 150));
    stdin.write(keys);
  };
  const waitFor = async (re: RegExp) => {
    const end = Date.now() + 20_000;
    while (!re.test(screen)) {
      if (Date.now() > end) throw new Error(`waiting for ${re}; screen: ${JSON.stringify(screen)}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  };
  return { stdin, menu, type, waitFor, stderr: () => err, dispatched };
}

describe('the menu prompt', () => {
  it('Ctrl-C is a cancel: status 130, no error', async () => {
    const t = terminal();
    await t.type('\x03');
    expect(await t.menu).toBe(130);
    expect(t.stderr()).toBe('');
  });

  it('Esc is a cancel too', async () => {
    const t = terminal();
    await t.type('\x1b');
    expect(await t.menu).toBe(130);
  });

  it('the input ending is an error: one `error:` line and status 1', async () => {
    const t = terminal();
    await new Promise((r) => setTimeout(r, 150));
    t.stdin.end();
    expect(await t.menu).toBe(1);
    expect(t.stderr()).toBe('error: the menu prompt failed: the terminal input ended\n');
  });

  it('Esc in a sub-prompt goes back to the menu; Exit is status 0', async () => {
    const t = terminal();
    await t.type('\x1b[B'); // Open a VM shell
    await t.type('\r');
    await t.waitFor(/Open a shell in which VM\?/);
    await t.type('\x1b'); // the domain list: back to the menu
    await new Promise((r) => setTimeout(r, 700)); // a lone ESC is told from a key sequence after a pause
    await t.type('\x1b[B\x1b[B\x1b[B\x1b[B'); // Exit
    await t.type('\r');
    expect(await t.menu).toBe(0);
    expect(t.stderr()).toBe('');
    expect(t.dispatched).toEqual([]);
  });
});
