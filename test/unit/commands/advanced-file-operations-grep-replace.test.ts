import { describe, expect, it } from 'vitest';
import { scriptedPrompter } from '../../helpers/scripted-prompter.js';
import { dir, fakeGuest, file, link, special } from '../../helpers/fake-guest.js';
import { runCommand } from '../../helpers/run-command.js';
import { grepReplace } from '../../../commands/advanced-file-operations/grep-replace.js';
import { makeReplacer } from '../../../commands/advanced-file-operations/_shared/replace-text.js';
import type { Prompter } from '../../../src/util/prompter.js';

// grep-replace on fake guests: literal and regex matching, binary/symlink skipping, --backup,
// the question on a terminal, and what is (not) written.

const sshd = 'Port 22\nPermitRootLogin yes\n#PermitRootLogin prohibit-password\n';

function guest() {
  return fakeGuest({
    files: {
      '/etc/ssh/sshd_config': file(sshd, { mode: 0o600, uid: 0, gid: 4 }),
      '/etc/ssh/bin': file(Buffer.from('PermitRootLogin yes\0\x01')),
      '/etc/ssh/latin1': file(Buffer.from([0x50, 0x65, 0x72, 0x6d, 0x69, 0x74, 0xe9, 0x0a])),
      '/etc/ssh/link': link('/etc/shadow'),
      '/etc/ssh/sub': dir(),
      '/etc/ssh/sub/x.conf': 'PermitRootLogin yes\n',
      '/etc/ssh/fifo': special('fifo'),
      '/etc/shadow': 'PermitRootLogin yes\n',
    },
  });
}

describe('makeReplacer', () => {
  it.each([
    ['a.b', 'X', false, 'a.b axb $1', 'X axb $1', 1],
    ['a', '$1$&', false, 'aa', '$1$&$1$&', 2],
    ['(a)(b)', '$2$1', true, 'ab-ab', 'ba-ba', 2],
    ['^x', 'y', true, 'x\nx\n', 'y\ny\n', 2],
    ['(?<k>\\w+)=1', '$<k>=2', true, 'a=1 b=1', 'a=2 b=2', 2],
    ['zz', 'y', true, 'abc', 'abc', 0],
  ])('%s -> %s (regex %s) on %j', (pattern, repl, regex, input, output, n) => {
    expect(makeReplacer(pattern, repl, regex).apply(input)).toEqual({ text: output, matches: n });
  });
  it('refuses an empty or invalid pattern', () => {
    expect(() => makeReplacer('', 'x', false)).toThrow(/empty/);
    expect(() => makeReplacer('(', 'x', true)).toThrow(/invalid regular expression/);
  });
});

describe('grep-replace', () => {
  it('--dry-run shows the diff and writes nothing', async () => {
    const g = guest();
    const r = await runCommand(grepReplace, ['PermitRootLogin yes', 'PermitRootLogin no', '/etc/ssh/sshd_config', '--dry-run'], { guest: g });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('-PermitRootLogin yes\n+PermitRootLogin no\n');
    expect((await g.fs.readFile('/etc/ssh/sshd_config')).toString()).toBe(sshd);
  });

  it('replaces in place, keeping owner and mode', async () => {
    const g = guest();
    const r = await runCommand(grepReplace, ['PermitRootLogin yes', 'PermitRootLogin no', '/etc/ssh/sshd_config'], { guest: g, json: true });
    expect(r.code).toBe(0);
    expect((r.data as { files: unknown[] }).files).toEqual([{ path: '/etc/ssh/sshd_config', matches: 1, backup: null }]);
    expect((await g.fs.readFile('/etc/ssh/sshd_config')).toString()).toBe(sshd.replace('PermitRootLogin yes', 'PermitRootLogin no'));
    const st = await g.fs.stat('/etc/ssh/sshd_config');
    expect([st.mode, st.uid, st.gid]).toEqual([0o600, 0, 4]);
  });

  it('-r skips binary, non-UTF-8, symlinks and special files, naming each; never writes through the symlink', async () => {
    const g = guest();
    const r = await runCommand(grepReplace, ['-r', 'PermitRootLogin yes', 'PermitRootLogin no', '/etc/ssh'], { guest: g, json: true });
    const d = r.data as { files: { path: string }[]; skipped: { path: string; reason: string }[] };
    expect(d.files.map((f) => f.path)).toEqual(['/etc/ssh/sshd_config', '/etc/ssh/sub/x.conf']);
    expect(d.skipped).toEqual([
      { path: '/etc/ssh/fifo', reason: 'a fifo, not a regular file' },
      { path: '/etc/ssh/link', reason: 'a symlink (not followed)' },
      { path: '/etc/ssh/bin', reason: 'binary file' },
      { path: '/etc/ssh/latin1', reason: 'not valid UTF-8 text' },
    ]);
    expect((await g.fs.readFile('/etc/shadow')).toString()).toBe('PermitRootLogin yes\n');
    expect((await g.fs.readFile('/etc/ssh/bin')).toString()).toContain('PermitRootLogin yes');
  });

  it('a directory without -r and a symlink given as PATH are skipped with the reason', async () => {
    const r = await runCommand(grepReplace, ['a', 'b', '/etc/ssh', '/etc/ssh/link'], { guest: guest() });
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('/etc/ssh: a directory (pass -r)');
    expect(r.stderr).toContain('/etc/ssh/link: a symlink (not followed)');
  });

  it('zero matches is not an error and says so', async () => {
    const r = await runCommand(grepReplace, ['nothing-like-this', 'x', '/etc/ssh/sshd_config'], { guest: guest() });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('no match in 1 file(s) searched');
  });

  it('--backup keeps FILE.orig with the same owner and mode', async () => {
    const g = guest();
    await runCommand(grepReplace, ['--regex', '^Port (\\d+)$', 'Port 2$1', '/etc/ssh/sshd_config', '--backup'], { guest: g });
    expect((await g.fs.readFile('/etc/ssh/sshd_config')).toString()).toMatch(/^Port 222\n/);
    expect((await g.fs.readFile('/etc/ssh/sshd_config.orig')).toString()).toBe(sshd);
    const st = await g.fs.stat('/etc/ssh/sshd_config.orig');
    expect([st.mode, st.uid, st.gid]).toEqual([0o600, 0, 4]);
  });

  it('on a terminal asks first; no writes when the answer is no', async () => {
    const asked: string[] = [];
    const prompt: Prompter = scriptedPrompter({ confirm: async (q) => { asked.push(q); return false; }, password: async () => '' });
    const g = guest();
    const r = await runCommand(grepReplace, ['yes', 'no', '/etc/ssh/sshd_config'], { guest: g, prompt, tty: true });
    expect(asked).toEqual(['replace 1 match(es) in 1 file(s)?']);
    expect(r.code).toBe(130);
    expect(r.stdout).toContain('+PermitRootLogin no');
    expect((await g.fs.readFile('/etc/ssh/sshd_config')).toString()).toBe(sshd);
  });

  it('a missing PATH is an error naming it', async () => {
    const r = await runCommand(grepReplace, ['a', 'b', '/nope'], { guest: guest() });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('/nope');
  });
});
