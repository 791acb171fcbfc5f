import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { lstatSync, mkdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { BIN, leftovers, tempDir } from '../helpers/cli.js';
import { workCopy } from '../helpers/fixtures.js';

// The interactive prompt on a real pseudo-terminal (util-linux `script` provides the pty):
// the prompt text, Tab completion from the guest, history, Ctrl-C semantics.

const dir = tempDir('guestctl-repl-');
afterAll(() => {
  expect(leftovers(dir.path)).toEqual([]);
  dir.cleanup();
});

class Pty {
  readonly child: ChildProcessWithoutNullStreams;
  screen = '';
  constructor(image: string, history: string) {
    this.child = spawn('script', ['-qfec', `${process.execPath} ${BIN} interactive ${image}`, '/dev/null'], {
      env: { ...process.env, NO_COLOR: '1', GUESTCTL_HISTORY: history, TMPDIR: dir.path, TERM: 'xterm' },
    });
    this.child.stdout.on('data', (d: Buffer) => (this.screen += d.toString()));
  }
  /** Wait until the screen (from `from` on) matches. */
  async waitFor(re: RegExp, from = 0, ms = 20_000): Promise<void> {
    const end = Date.now() + ms;
    while (!re.test(this.screen.slice(from))) {
      if (Date.now() > end) throw new Error(`timed out waiting for ${re}; screen: ${JSON.stringify(this.screen)}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  /** Type keys and wait for `expect` to show up on the current prompt line or after it. */
  async type(keys: string, expect: RegExp): Promise<void> {
    const from = Math.max(0, this.screen.lastIndexOf('> '));
    this.child.stdin.write(keys);
    await this.waitFor(expect, from);
  }
  exited(): Promise<number | null> {
    return new Promise((res) => (this.child.exitCode !== null ? res(this.child.exitCode) : this.child.on('exit', res)));
  }
}

describe('the interactive prompt', () => {
  it('shows target, OS and cwd, completes guest paths, keeps history, and Ctrl-C cancels only the command', async () => {
    const img = await workCopy('synthetic', dir.path);
    const history = `${dir.path}/history`;
    const pty = new Pty(img, history);
    await pty.waitFor(/synthetic\.raw synth1\.0:\/> /);
    await pty.type('cd /et', /cd \/et/);
    await pty.type('\t', /cd \/etc\//);
    await pty.type('\r', /synth1\.0:\/etc> /);
    await pty.type('cat /home/alice/no', /no/);
    await pty.type('\t', /notes\.txt/);
    await pty.type('\r', /hello from alice[\s\S]*:\/etc> /);
    await pty.type('run sleep 60\r', /run sleep 60/);
    await new Promise((r) => setTimeout(r, 1000));
    await pty.type('\x03', /cancelled[\s\S]*:\/etc> /);
    await pty.type('pwd\r', /\/etc\r?\n[\s\S]*:\/etc> /);
    pty.child.stdin.write('\x03'); // on an empty prompt: ends the session
    await pty.exited();
    expect(readFileSync(history, 'utf8').split('\n')).toEqual(['cd /etc/', 'cat /home/alice/notes.txt', 'run sleep 60', 'pwd', '']);
    expect(statSync(history).mode & 0o777).toBe(0o600);
    expect(leftovers(dir.path)).toEqual([]);
  });

  it('Ctrl-D ends the session and releases everything', async () => {
    const img = await workCopy('synthetic-qcow2', dir.path);
    const pty = new Pty(img, `${dir.path}/history2`);
    await pty.waitFor(/synth1\.0:\/> /);
    pty.child.stdin.write('\x04');
    await pty.exited();
    expect(leftovers(dir.path)).toEqual([]);
  });

  it('a terminal that hangs up (its pty closed) ends the session and releases everything', async () => {
    const img = await workCopy('synthetic', dir.path);
    const pty = new Pty(img, `${dir.path}/history3`);
    await pty.waitFor(/synth1\.0:\/> /);
    pty.child.kill('SIGKILL'); // the terminal emulator dies: the pty master closes
    const deadline = Date.now() + 20_000;
    while (leftovers(dir.path).length > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    expect(leftovers(dir.path)).toEqual([]);
  });

  it('a hostile os-release ID is shown escaped in the prompt, never as a terminal sequence', async () => {
    const root = `${dir.path}/hostile-id`;
    mkdirSync(`${root}/etc`, { recursive: true });
    // ESC ] 0 ; … BEL retitles the terminal window, ESC [ 2 J clears the screen.
    writeFileSync(`${root}/etc/os-release`, 'ID="evil\x1b]0;pwned\x07\x1b[2J"\nVERSION_ID=1\n');
    const pty = new Pty(root, `${dir.path}/history4`);
    await pty.waitFor(/hostile-id evil\\e\]0;pwned\\a\\e\[2j1:\/> /);
    expect(pty.screen).not.toContain(']0;pwned\x07');
    expect(pty.screen).not.toContain('\x1b[2j');
    pty.child.stdin.write('\x04');
    expect(await pty.exited()).toBe(0);
  });

  it('`exit foo` is a usage error and the session goes on; `exit 3` ends it with status 3', async () => {
    const img = await workCopy('synthetic', dir.path);
    const pty = new Pty(img, `${dir.path}/history5`);
    await pty.waitFor(/synth1\.0:\/> /);
    await pty.type('exit foo\r', /error: exit: the status must be a number from 0 to 255, not 'foo'[\s\S]*:\/> /);
    await pty.type('exit 256\r', /error: exit: the status must be a number from 0 to 255, not '256'[\s\S]*:\/> /);
    pty.child.stdin.write('exit 3\r');
    expect(await pty.exited()).toBe(3);
    expect(leftovers(dir.path)).toEqual([]);
  });

  it('a command piped into a host command: the host output on the terminal, the line status is the host command\'s', async () => {
    const img = await workCopy('debian', dir.path);
    const pty = new Pty(img, `${dir.path}/history-pipe`);
    await pty.waitFor(/debian12:\/> /);
    await pty.type('cat /etc/os-release | grep -c ID\r', /\r?\n2\r?\n[\s\S]*debian12:\/> /);
    await pty.type('cat /etc/nope | wc -l\r', /error: [^\n]*\/etc\/nope[\s\S]*debian12:\/> /);
    await pty.type('pwd |\r', /error: nothing after '\|'[\s\S]*debian12:\/> /);
    await pty.type('cat /etc/hostname | exit 7\r', /exit 7[\s\S]*debian12:\/> /);
    pty.child.stdin.write('\x04'); // Ctrl-D ends the session with the last line's status: the host command's
    expect(await pty.exited()).toBe(7);
    expect(leftovers(dir.path)).toEqual([]);
  });

  it('a history file that is a symbolic link is not followed: one warning, the target untouched', async () => {
    const img = await workCopy('synthetic', dir.path);
    const target = `${dir.path}/precious`;
    writeFileSync(target, 'precious\n');
    const history = `${dir.path}/history-link`;
    symlinkSync(target, history);
    const pty = new Pty(img, history);
    await pty.waitFor(/synth1\.0:\/> /);
    await pty.type('pwd\r', /\/\r?\n[\s\S]*:\/> /);
    await pty.type('cd /etc\r', /:\/etc> /);
    pty.child.stdin.write('\x04');
    expect(await pty.exited()).toBe(0);
    const warnings = pty.screen.match(/note: the history file \S+ is a symbolic link: not following it, history is not kept this session/g);
    expect(warnings).toHaveLength(1);
    expect(readFileSync(target, 'utf8')).toBe('precious\n');
    expect(lstatSync(history).isSymbolicLink()).toBe(true);
    expect(leftovers(dir.path)).toEqual([]);
  });
});
