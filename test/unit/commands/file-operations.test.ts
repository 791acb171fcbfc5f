import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { runLine, type RunResult } from '../../helpers/run-command.js';
import { BLOB, PASSWD, syntheticGuest } from './_synthetic.js';

// File Operations (ls, cat, head, stat, find) on a fake copy of the synthetic image: what the
// commands print and refuse. test/e2e/file-operations.test.ts proves the same commands on real
// images (the guest's own stat and find agree, hostile links, byte-exact streaming).

const guest = syntheticGuest();
const sh = (line: string, opts: { json?: boolean; cwd?: string } = {}) => runLine(line, { guest, ...opts });
const sha256 = (data: Buffer | string) => createHash('sha256').update(data).digest('hex');
const json = (r: RunResult): any => {
  expect(r.stderr).toBe('');
  return JSON.parse(r.stdout);
};

describe('reading: ls, cat, head, stat, find', () => {
  it('ls lists names, and -l --json gives owners named from the guest passwd', async () => {
    const r = await sh('ls /etc/conf.d');
    expect(r.stdout).toBe('cron.conf\nnetwork.conf\nsshd.conf\n');
    const rows = json(await sh('ls -l /home', { json: true }));
    expect(rows).toEqual([expect.objectContaining({ name: 'alice', type: 'directory', uid: 1000, owner: 'alice', group: 'alice', mode: 'drwxr-xr-x' })]);
  });

  it('cat prints the bytes; --json gives text, or base64 for binary content', async () => {
    expect((await sh('cat /etc/app.conf')).stdout).toBe('# synthetic application config\nlisten = 0.0.0.0:8080\nworkers = 4\nlog_level = info\n');
    expect(json(await sh('cat /home/alice/notes.txt', { json: true }))).toEqual({ path: '/home/alice/notes.txt', content: 'hello from alice\n' });
    const b = json(await sh('cat /etc/big/blob.bin', { json: true }));
    expect(b.content).toBeUndefined();
    expect(sha256(Buffer.from(b.base64, 'base64'))).toBe(sha256(BLOB));
  });

  it('head prints the first lines (default 10, -n N), relative to the cwd', async () => {
    expect((await sh('head -n 2 /etc/app.conf')).stdout).toBe('# synthetic application config\nlisten = 0.0.0.0:8080\n');
    expect((await sh('head --lines 1 app.conf', { cwd: '/etc' })).stdout).toBe('# synthetic application config\n');
    expect((await sh('head -n 0 /etc/app.conf')).stdout).toBe('');
    const passwd = (await sh('cat /etc/passwd')).stdout;
    expect(passwd).toBe(PASSWD);
    expect((await sh('head /etc/passwd')).stdout).toBe(passwd.split('\n').slice(0, 10).join('\n') + (passwd.split('\n').length > 10 ? '\n' : ''));
    expect(json(await sh('head -n 1 /etc/conf.d/sshd.conf', { json: true }))).toEqual({ path: '/etc/conf.d/sshd.conf', lines: 1, content: 'port=22\n' });
    const bad = await sh('head -n x /etc/app.conf');
    expect(bad.code).toBe(2); // a usage error (a script run stops with 1)
    expect(bad.stderr).toMatch(/^error: head: -n takes a number of lines, not 'x'\n/);
  });

  it('stat shows modes and owners by guest names, and symlinks themselves', async () => {
    const h = await sh('stat /tmp');
    expect(h.stdout).toContain('  File: /tmp\n');
    expect(h.stdout).toContain('  Type: directory\n');
    expect(h.stdout).toMatch(/Access: \(1777\/drwxrwxrwt\)  Uid: \( {4}0\/ {4}root\)/);
    const link = json(await sh('stat /bin/sh', { json: true }));
    expect(link).toMatchObject({ type: 'symlink', target: 'busybox', permissions: 'lrwxrwxrwx' });
    const s = json(await sh('stat /home/alice/notes.txt', { json: true }));
    expect(s).toMatchObject({ path: '/home/alice/notes.txt', canonicalPath: '/home/alice/notes.txt', type: 'file', mode: '0644', permissions: '-rw-r--r--', owner: 'alice', group: 'alice' });
  });

  // Exit status of the command itself: 2 for a usage error (a script run stops with 1 either way).
  it.each([
    ['-name', 2, /^error: find: -name needs a value; usage: find \[PATH\.\.\.\]/],
    ['/ -type q', 2, /^error: find: -type takes f, d, l, b, c, p or s/],
    ['/ -size 10X', 2, /^error: find: invalid -size '10X'/],
    ['/ -newer x', 2, /^error: find: unknown test '-newer'/],
    ['-name x /etc', 2, /^error: find: paths must come before the tests: '\/etc'/],
    ['/ -maxdepth x', 2, /^error: find: -maxdepth takes a whole number/],
    ['/nope', 1, /^error: no such file or directory: \/nope\n/],
  ] as const)('find %s fails with %i and explains why', async (args, code, msg) => {
    const r = await sh(`find ${args}`);
    expect(r.code).toBe(code);
    expect(r.stderr).toMatch(msg);
  });
});
