import { describe, expect, it } from 'vitest';
import { describeError } from '../../src/util/errors.js';
import { FIXED_TIME } from '../helpers/fake-fs.js';
import { dir, fakeGuest, file, link, special } from '../helpers/fake-guest.js';
import { runCommand } from '../helpers/run-command.js';
import { cat } from '../../commands/file-operations/cat.js';

// The fake Guest must behave like LocalGuestFs on an image, or tests built on it prove nothing.

const hostile = () =>
  fakeGuest({
    files: {
      '/etc/shadow': file('root:!GUEST:1::::::\n', { mode: 0o640, gid: 42 }),
      '/etc/hostname': link('/../../../../etc/shadow'),
      '/etc/motd': link('../../../../../../tmp/canary/motd'),
      '/etc/rel': link('conf.d/../shadow'),
      '/etc/conf.d': dir(),
      '/root/.ssh': link('/tmp'),
      '/root/escape': link('../../../../..'),
      '/tmp': dir({ mode: 0o1777 }),
      '/loop1': link('/loop2'),
      '/loop2': link('/loop1'),
      '/lib': link('usr/lib'),
      '/usr/lib/libc.so': 'ELF',
    },
  });

const error = async (p: Promise<unknown>) => describeError(await p.then(() => null, (e: unknown) => e));

describe('fake guest file system', () => {
  it('builds from the spec: content, owners, modes, fixed mtimes, parents 0755 root', async () => {
    const g = fakeGuest({ files: { '/home/alice/notes.txt': file('hi\n', { uid: 1000, gid: 1000, mode: 0o600 }), '/etc/x': 'x' } });
    expect(await g.fs.stat('/home/alice/notes.txt')).toMatchObject({ path: '/home/alice/notes.txt', type: 'file', size: 3, mode: 0o600, uid: 1000, gid: 1000, nlink: 1, mtime: FIXED_TIME });
    expect(await g.fs.stat('/home')).toMatchObject({ type: 'directory', mode: 0o755, uid: 0, nlink: 3 });
    expect(await g.fs.list('/')).toEqual([
      { name: 'etc', type: 'directory' },
      { name: 'home', type: 'directory' },
    ]);
    expect((await g.fs.readFile('/etc/x')).toString()).toBe('x');
    expect(g.text('/home/alice/notes.txt')).toBe('hi\n');
  });

  it.each([
    ['/etc/hostname', '/etc/shadow'],
    ['/root/escape/etc/shadow', '/etc/shadow'],
    ['/../../etc/shadow', '/etc/shadow'],
    ['/etc/rel', '/etc/shadow'],
    ['/lib/libc.so', '/usr/lib/libc.so'],
    ['/root/.ssh', '/tmp'],
  ])('resolves %s inside the guest to %s', async (path, real) => {
    expect(await g0.fs.realpath(path)).toBe(real);
  });
  const g0 = hostile();

  it.each([
    ['readFile /etc/motd', () => g0.fs.readFile('/etc/motd'), 'no such file or directory: /tmp/canary'],
    ['stat /loop1/x', () => g0.fs.stat('/loop1/x'), 'too many levels of symbolic links: /loop1/x'],
    ['readFile /etc', () => g0.fs.readFile('/etc'), 'is a directory: /etc'],
    ['list /etc/shadow', () => g0.fs.list('/etc/shadow'), 'not a directory: /etc/shadow'],
    ['stat /etc/shadow/x', () => g0.fs.stat('/etc/shadow/x'), 'not a directory: /etc/shadow'],
    ['readlink /etc/shadow', () => g0.fs.readlink('/etc/shadow'), 'not a symbolic link: /etc/shadow'],
    ['write /etc/motd', () => g0.fs.writeFile('/etc/motd', 'x'), 'no such file or directory: /tmp/canary'],
    ['mkdir /etc', () => g0.fs.mkdir('/etc'), 'already exists: /etc'],
    ['mkdir -p /etc/shadow/x', () => g0.fs.mkdir('/etc/shadow/x', { parents: true }), 'not a directory: /etc/shadow'],
    ['remove /', () => g0.fs.remove('/', { recursive: true }), 'refusing to remove the guest root: /'],
    ['remove /usr', () => g0.fs.remove('/usr'), 'directory not empty: /usr'],
    ['symlink over /etc/hostname', () => g0.fs.symlink('x', '/etc/hostname'), 'already exists: /etc/hostname'],
  ])('%s fails as LocalGuestFs does', async (_name, op, message) => {
    expect(await error(op())).toBe(message);
  });

  it('stat follows links, lstat and readlink show them verbatim', async () => {
    const g = hostile();
    expect(await g.fs.stat('/etc/hostname')).toMatchObject({ path: '/etc/shadow', type: 'file', mode: 0o640, gid: 42 });
    expect(await g.fs.lstat('/etc/hostname')).toMatchObject({ path: '/etc/hostname', type: 'symlink', symlinkTarget: '/../../../../etc/shadow', size: 23 });
    expect(await g.fs.readlink('/root/.ssh')).toBe('/tmp');
    expect(await g.fs.exists('/etc/motd')).toBe(false);
    expect(await g.fs.exists('/loop1')).toBe(false);
    expect(await g.fs.exists('/etc/hostname')).toBe(true);
  });

  it('writes atomically: a new inode, the old owner, mode and xattrs kept; --backup keeps the old inode', async () => {
    const g = hostile();
    await g.fs.setXattr!('/etc/shadow', 'security.selinux', 'shadow_t');
    const before = await g.fs.stat('/etc/shadow');
    await g.fs.writeFile('/etc/hostname', 'new\n', { backupPath: '/etc/shadow.bak', mode: 0o600 });
    const after = await g.fs.stat('/etc/shadow');
    expect(after).toMatchObject({ mode: 0o640, uid: 0, gid: 42, size: 4 });
    expect(after.inode).not.toBe(before.inode);
    expect(await g.fs.stat('/etc/shadow.bak')).toMatchObject({ inode: before.inode, size: before.size });
    expect(g.fs.lookup('/etc/shadow')!.xattrs.get('security.selinux')!.toString()).toBe('shadow_t');
    expect(g.text('/etc/shadow.bak')).toBe('root:!GUEST:1::::::\n');
    // A write through the link to /tmp lands in the guest's /tmp.
    await g.fs.writeFile('/root/.ssh/authorized_keys', 'k\n', { mode: 0o600, uid: 1000, gid: 1000 });
    expect(await g.fs.stat('/tmp/authorized_keys')).toMatchObject({ mode: 0o600, uid: 1000, gid: 1000 });
  });

  it('mkdir, symlink, rename, copy, chmod, chown and remove', async () => {
    const now = new Date('2030-01-01T00:00:00Z');
    const g = fakeGuest({ files: { '/a/f': file('data', { uid: 5, gid: 6, mode: 0o4755 }) }, now: () => now });
    await g.fs.mkdir('/b/c/d', { parents: true, mode: 0o700 });
    expect(await g.fs.stat('/b/c/d')).toMatchObject({ type: 'directory', mode: 0o700, mtime: now });
    await g.fs.symlink('../a/f', '/b/l');
    expect(g.text('/b/l')).toBe('data');
    await g.fs.rename('/b/l', '/b/c/l2');
    expect(await g.fs.readlink('/b/c/l2')).toBe('../a/f');
    expect(await error(g.fs.readFile('/b/c/l2'))).toBe('no such file or directory: /b/a');
    await g.fs.copy('/a/f', '/b/copy');
    expect(await g.fs.stat('/b/copy')).toMatchObject({ mode: 0o4755, uid: 5, gid: 6, mtime: now });
    await g.fs.chmod('/b/copy', 0o640);
    await g.fs.chown('/b/copy', 7, -1);
    expect(await g.fs.stat('/b/copy')).toMatchObject({ mode: 0o640, uid: 7, gid: 6 });
    expect(await error(g.fs.rename('/a', '/a/inside'))).toBe('invalid argument: /a');
    expect(await error(g.fs.rename('/a/f', '/b'))).toBe('is a directory: /a/f');
    await g.fs.remove('/b', { recursive: true });
    expect(await g.fs.list('/')).toEqual([{ name: 'a', type: 'directory' }]);
  });

  it('mkdir -p follows symlinks on the way, and .. after a link is the parent of its target', async () => {
    const g = fakeGuest({ files: { '/srv/real': dir(), '/l': link('srv/real'), '/f': 'x' } });
    await g.fs.mkdir('/l/../made/x', { parents: true });
    expect((await g.fs.list('/srv')).map((e) => e.name)).toEqual(['made', 'real']);
    expect(await g.fs.realpath('/srv/made/x')).toBe('/srv/made/x');
    expect(await error(g.fs.mkdir('/f/x', { parents: true }))).toBe('not a directory: /f');
  });

  it('special files exist with their type and are never read', async () => {
    const g = fakeGuest({ files: { '/run/fifo': special('fifo'), '/dev/sda': special('block', { mode: 0o660, gid: 6 }) } });
    expect(await g.fs.list('/run')).toEqual([{ name: 'fifo', type: 'fifo' }]);
    expect(await g.fs.stat('/dev/sda')).toMatchObject({ type: 'block', mode: 0o660, gid: 6 });
    expect(await error(g.fs.readFile('/run/fifo'))).toBe('not a regular file: /run/fifo');
    expect(await error(g.fs.writeFile('/run/fifo', 'x'))).toBe('not a regular file: /run/fifo');
  });

  it('a read-only guest refuses every change', async () => {
    const g = fakeGuest({ files: { '/f': 'x' }, readOnly: true });
    for (const op of [g.fs.writeFile('/f', 'y'), g.fs.mkdir('/d'), g.fs.remove('/f'), g.fs.chmod('/f', 0), g.fs.symlink('f', '/l')]) {
      expect(await error(op)).toBe('read-only file system (the session was opened with --ro): /');
    }
  });
});

describe('fake guest exec and facts', () => {
  it('answers scripted programs, by name or path, and fails unknown ones with 127', async () => {
    const g = fakeGuest({
      exec: { sshd: (argv) => ({ code: argv.includes('-t') ? 0 : 1, stderr: 'checked\n' }), true: {} },
    });
    expect(await g.exec(['/usr/sbin/sshd', '-t'])).toEqual({ code: 0, stdout: '', stderr: 'checked\n' });
    expect(await g.exec(['true'])).toEqual({ code: 0, stdout: '', stderr: '' });
    expect(await g.exec(['useradd', 'bob'], { stdin: 'x' })).toEqual({ code: 127, stdout: '', stderr: 'useradd: command not found\n' });
    expect(g.execCalls.map((c) => c.argv.join(' '))).toEqual(['/usr/sbin/sshd -t', 'true', 'useradd bob']);
    g.on('useradd', { stdout: 'ok' });
    expect((await g.exec(['useradd'])).stdout).toBe('ok');
  });

  it('handlers see the guest and can change its files', async () => {
    const g = fakeGuest({ exec: { touch: async (argv, _opts, guest) => (await guest.fs.writeFile(argv[1]!, ''), {}) } });
    await g.exec(['touch', '/x']);
    expect(await g.fs.exists('/x')).toBe(true);
  });

  it('has the facts and capabilities the test sets', async () => {
    const image = fakeGuest({ os: { distro: 'debian', packageFormat: 'deb' } });
    expect(image.os).toMatchObject({ distro: 'debian', packageFormat: 'deb', live: false, kernels: [] });
    expect([...image.capabilities].sort()).toEqual(['exec', 'fs', 'mount']);
    const live = fakeGuest({ kind: 'live' });
    expect(live.os.live).toBe(true);
    expect([...live.capabilities].sort()).toEqual(['exec', 'fs', 'live']);
    expect(await error(fakeGuest({ capabilities: ['fs'] }).exec(['true']))).toBe('fake guest: exec is not a capability of this guest (true)');
  });
});

describe('runCommand', () => {
  const g = fakeGuest({ files: { '/etc/app.conf': 'a = 1\n' } });

  it('runs a command through the executor: data, human output, JSON, errors and exit codes', async () => {
    expect(await runCommand(cat, ['/etc/app.conf'], { guest: g })).toMatchObject({ stdout: 'a = 1\n', stderr: '', code: 0 });
    const j = await runCommand(cat, ['/etc/app.conf'], { guest: g, json: true });
    expect(JSON.parse(j.stdout)).toEqual({ path: '/etc/app.conf', content: 'a = 1\n' });
    expect(j.code).toBe(0);
    expect(await runCommand(cat, ['/nope'], { guest: g })).toEqual({ data: undefined, stdout: '', stderr: 'error: no such file or directory: /nope\n', code: 1 });
    expect(await runCommand(cat, [], { guest: g })).toMatchObject({ stderr: 'error: missing PATH; usage: cat PATH\n', code: 2 });
  });

  it('resolves relative paths against the given cwd', async () => {
    expect((await runCommand(cat, ['app.conf'], { guest: g, cwd: '/etc' })).stdout).toBe('a = 1\n');
  });
});
