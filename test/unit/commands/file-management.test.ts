import { describe, expect, it } from 'vitest';
import { dir } from '../../helpers/fake-guest.js';
import { quote } from 'shell-quote';
import { fails, gstat, inodeOf, json, names, ok, statN, tree } from './_session.js';
import { syntheticGuest } from './_synthetic.js';
import { SAMPLE_TREE_COMMANDS, SAMPLE_TREE_LISTING } from '../../helpers/sample-tree.js';

// File Management (write, copy, move, delete, mkdir, chmod, chown, symlink) on a fake copy of
// the synthetic image, one guest for the whole file as one image was in the e2e test: what the
// commands do, print and refuse. test/e2e/file-management.test.ts keeps what needs real images
// (the guest's own du, moves across real filesystems, a full disk, qcow2, hostile links).

const q = (...argv: string[]): string => quote(argv);
const g = syntheticGuest({
  files: { '/usr/bin': dir(), '/var': dir(), '/mnt': dir() },
  mounts: [
    { device: '/dev/sda1', mountpoint: '/', fstype: 'ext4' },
    { device: '/dev/sda2', mountpoint: '/data', fstype: 'ext4' },
  ],
});
const gcat = (path: string) => g.text(path);

describe('file management on the synthetic guest', () => {
  it('write creates 0644 root:root files, interprets escapes, replaces atomically keeping owner and mode', async () => {
    const r = await ok(g, [String.raw`write /etc/new.conf 'a\tb\nc\\d\n'`]);
    expect(r.stdout).toBe('created /etc/new.conf (8 bytes)\n');
    expect(gcat('/etc/new.conf')).toBe('a\tb\nc\\d\n');
    expect(await gstat(g, '/etc/new.conf')).toEqual(['644 0 0 regular file']);

    await g.fs.chown('/etc/app.conf', 1000, 50);
    await g.fs.chmod('/etc/app.conf', 0o600);
    const inodeBefore = await inodeOf(g, '/etc/app.conf');
    await ok(g, [String.raw`write /etc/app.conf 'listen = 127.0.0.1:80\n'`]);
    expect(gcat('/etc/app.conf')).toBe('listen = 127.0.0.1:80\n');
    expect(await gstat(g, '/etc/app.conf')).toEqual(['600 1000 50 regular file']);
    // replaced by rename: a new inode, the old content was never rewritten in place
    expect(await inodeOf(g, '/etc/app.conf')).not.toBe(inodeBefore);

    await ok(g, [String.raw`write --append /etc/new.conf 'more\n'`]);
    expect(gcat('/etc/new.conf')).toBe('a\tb\nc\\d\nmore\n');
    await ok(g, [String.raw`write -a /etc/appended 'first\n'`]); // append to a missing file creates it
    expect(gcat('/etc/appended')).toBe('first\n');

    expect(await fails(g, "write /nonexistent/dir/f 'x'")).toBe('error: no such file or directory: /nonexistent');
    expect(await fails(g, "write /etc/conf.d 'x'")).toBe('error: is a directory: /etc/conf.d');
    expect(await fails(g, "write /etc/ro-test 'x'", ['--ro'])).toMatch(/read-only/);
    expect(await gstat(g, '/etc/ro-test', '/nonexistent')).toEqual(['-', '-']);
  });

  it('copy keeps mode, owner and group, copies into directories, replaces files atomically', async () => {
    await ok(g, [String.raw`write /root/src.txt 'payload\n'`, 'chown alice:staff /root/src.txt', 'chmod 4750 /root/src.txt']);
    expect(await gstat(g, '/root/src.txt')).toEqual(['4750 1000 50 regular file']);

    const r = await ok(g, ['copy /root/src.txt /home/alice/copy.txt']);
    expect(r.stdout).toBe('copied /root/src.txt to /home/alice/copy.txt\n');
    await ok(g, ['cp /root/src.txt /tmp']); // into an existing directory, basename kept
    await ok(g, [String.raw`write /tmp/over.txt 'old\n'`, 'copy /root/src.txt /tmp/over.txt']);
    for (const p of ['/home/alice/copy.txt', '/tmp/src.txt', '/tmp/over.txt']) {
      expect(gcat(p)).toBe('payload\n');
      expect(await gstat(g, p)).toEqual(['4750 1000 50 regular file']);
    }
    // a symlinked source is followed without -r
    await ok(g, ['symlink ../root/src.txt /tmp/srclink', 'copy /tmp/srclink /tmp/fromlink']);
    expect(await gstat(g, '/tmp/fromlink')).toEqual(['4750 1000 50 regular file']);

    expect(await fails(g, 'copy /etc/conf.d /tmp/confcopy')).toBe('error: /etc/conf.d is a directory (use copy -r)');
    expect(await fails(g, 'copy /root/src.txt /root/src.txt')).toMatch(/are the same file/);
    expect(await fails(g, 'copy /nonexistent /tmp/x')).toBe('error: no such file or directory: /nonexistent');
    expect(await gstat(g, '/tmp/confcopy')).toEqual(['-']);
  });

  it('copy -r copies a tree with modes, owners and symlinks as symlinks, never merging', async () => {
    await ok(g, SAMPLE_TREE_COMMANDS);
    const original = await tree(g, '/var/tree');
    expect(original).toEqual(SAMPLE_TREE_LISTING);
    const r = await ok(g, ['copy -r /var/tree /var/tree2']);
    expect(r.stdout).toBe('copied /var/tree to /var/tree2 (1 file, 2 directories, 3 symlinks)\n');
    expect(await tree(g, '/var/tree2')).toEqual(original);
    expect(gcat('/var/tree2/rel')).toBe('F\n');

    await ok(g, ['copy -r /var/tree /tmp']);
    expect(await tree(g, '/tmp/tree')).toEqual(original);
    // never merges into (or replaces) an existing directory
    await ok(g, ['delete /tmp/tree/sub/f']);
    expect(await fails(g, 'copy -r /var/tree /tmp')).toMatch(/^error: \/tmp\/tree already exists/);
    expect(await gstat(g, '/tmp/tree/sub/f')).toEqual(['-']);
    expect(await fails(g, 'copy -r /var/tree /var/tree/sub')).toBe('error: cannot copy directory /var/tree into itself (/var/tree/sub/tree)');
    // a symlink copied with -r stays a symlink
    await ok(g, ['copy -r /var/tree/abs /tmp/abs-copy']);
    expect(await statN(g, '/tmp/abs-copy')).toBe("'/tmp/abs-copy' -> '/etc/shadow'\n");
  });

  it('move renames in place, moves into directories and moves symlinks themselves', async () => {
    await ok(g, [String.raw`write /etc/mv1 'm\n'`]);
    const inode = await inodeOf(g, '/etc/mv1');
    expect((await ok(g, ['move /etc/mv1 /etc/mv2'])).stdout).toBe('moved /etc/mv1 to /etc/mv2\n');
    expect(await gstat(g, '/etc/mv1')).toEqual(['-']);
    expect(await inodeOf(g, '/etc/mv2')).toBe(inode);
    await ok(g, ['mv /etc/mv2 /home/alice']);
    expect(gcat('/home/alice/mv2')).toBe('m\n');

    await ok(g, ['symlink /etc/hosts /etc/ln1', 'move /etc/ln1 /root/ln1']);
    expect(await statN(g, '/root/ln1')).toBe("'/root/ln1' -> '/etc/hosts'\n");
    expect(await gstat(g, '/etc/hosts', '/etc/ln1')).toEqual(['644 0 0 regular file', '-']);

    expect(await fails(g, 'move /var/tree /var/tree/sub')).toMatch(/cannot move directory \/var\/tree into itself/);
    expect(await fails(g, 'move /home/alice/mv2 /home/alice/mv2')).toMatch(/are the same file/);
    expect(await fails(g, 'move /data /mnt/data')).toMatch(/mount point/);
    await ok(g, ['mkdir /tmp/hosts']);
    expect(await fails(g, 'move /etc/hosts /tmp/')).toBe('error: cannot overwrite directory /tmp/hosts with non-directory /etc/hosts');
    expect(await fails(g, 'move /tmp/hosts /etc/hostname')).toBe('error: cannot overwrite non-directory /etc/hostname with directory /tmp/hosts');
  });

  it('delete removes files, symlinks (never their targets) and trees with -r; refuses / and system paths', async () => {
    await ok(g, [
      String.raw`write /tmp/d1 'x'`,
      'symlink /etc/hosts /tmp/dl',
      'mkdir -p /tmp/dt/sub',
      'symlink /etc /tmp/dt/sub/etc-link',
      String.raw`write /tmp/dt/sub/f 'y'`,
    ]);
    expect((await ok(g, ['delete /tmp/d1'])).stdout).toBe('deleted /tmp/d1\n');
    expect((await ok(g, ['rm /tmp/dl'])).stdout).toBe('deleted /tmp/dl (symlink)\n');
    expect(await gstat(g, '/tmp/d1', '/tmp/dl', '/etc/hosts')).toEqual(['-', '-', '644 0 0 regular file']);

    expect(await fails(g, 'delete /tmp/dt')).toBe('error: /tmp/dt is a directory (use delete -r)');
    expect(await gstat(g, '/tmp/dt/sub/f')).toEqual(['644 0 0 regular file']);
    const etcBefore = await names(g, '/etc');
    await ok(g, ['delete -r /tmp/dt']);
    expect(await gstat(g, '/tmp/dt')).toEqual(['-']);
    expect(await names(g, '/etc')).toEqual(etcBefore); // the symlink inside was not followed

    expect(await fails(g, 'delete -r --force /')).toBe('error: refusing to delete the guest root');
    expect(await fails(g, 'delete -r --force /etc/..')).toBe('error: refusing to delete the guest root');
    for (const p of ['/etc', '/usr/bin', '/home', '/root/../var']) {
      expect(await fails(g, `delete -r ${p}`)).toMatch(/^error: refusing to delete \/[a-z/]+: a top-level system path \(add --force/);
    }
    expect(await fails(g, 'delete -r --force /data')).toMatch(/is or contains a mount point \(\/data\)/);
    expect(await fails(g, 'delete -rf /tmp/whatever')).toMatch(/unknown option/); // no -f short form
    expect(await fails(g, 'delete /nonexistent')).toBe('error: no such file or directory: /nonexistent');
    expect(await gstat(g, '/etc', '/usr/bin', '/home', '/var', '/data/hello.txt')).toEqual([
      '755 0 0 directory',
      '755 0 0 directory',
      '755 0 0 directory',
      '755 0 0 directory',
      '644 0 0 regular file',
    ]);
    await ok(g, ['delete -r --force /mnt']);
    expect(await gstat(g, '/mnt')).toEqual(['-']);
  });

  it('mkdir creates 0755 root:root directories, with -p parents and exact --mode', async () => {
    expect((await ok(g, ['mkdir /var/m1'])).stdout).toBe('created /var/m1 (0755)\n');
    expect(await fails(g, 'mkdir /var/m1')).toBe('error: already exists: /var/m1');
    await ok(g, ['mkdir -p /var/m2/a/b', 'mkdir -p /var/m2/a/b', 'mkdir --mode 0700 /var/m3', 'mkdir -m 2750 /var/m4', 'mkdir -m u=rwx,go= /var/m5']);
    expect(await gstat(g, '/var/m1', '/var/m2', '/var/m2/a', '/var/m2/a/b', '/var/m3', '/var/m4', '/var/m5')).toEqual([
      '755 0 0 directory',
      '755 0 0 directory',
      '755 0 0 directory',
      '755 0 0 directory',
      '700 0 0 directory',
      '2750 0 0 directory',
      '700 0 0 directory',
    ]);
    expect(await fails(g, 'mkdir -m 999 /var/m6')).toBe("error: invalid mode: '999'");
    expect(await fails(g, 'mkdir /var/nope/m7')).toBe('error: no such file or directory: /var/nope');
    expect(await fails(g, 'mkdir -p /etc/hosts/x')).toMatch(/not a directory: \/etc\/hosts/);
    expect(await gstat(g, '/var/m6', '/var/nope')).toEqual(['-', '-']);
  });

  it('chmod sets octal and symbolic modes, through a symlink to its target, and -R never follows symlinks', async () => {
    await ok(g, [String.raw`write /var/c1 'c'`, 'chmod 0600 /var/c1']);
    expect(await gstat(g, '/var/c1')).toEqual(['600 0 0 regular file']);
    expect((await ok(g, ['chmod u+x,g+r /var/c1'])).stdout).toBe('mode of /var/c1: 0600 -> 0740\n');
    expect(await gstat(g, '/var/c1')).toEqual(['740 0 0 regular file']);
    await ok(g, ['chmod 4755 /var/c1']);
    expect(await gstat(g, '/var/c1')).toEqual(['4755 0 0 regular file']);
    await ok(g, ['symlink c1 /var/c1link', 'chmod 0640 /var/c1link']);
    expect(await gstat(g, '/var/c1')).toEqual(['640 0 0 regular file']);
    expect((await g.fs.lstat('/var/c1link')).type).toBe('symlink');

    await ok(g, ['mkdir /var/cr', String.raw`write /var/cr/f 'f'`, 'symlink /etc/resolv.conf /var/cr/link']);
    const resolvBefore = await gstat(g, '/etc/resolv.conf');
    await ok(g, ['chmod -R go-rwx /var/cr']);
    expect(await gstat(g, '/var/cr', '/var/cr/f', '/etc/resolv.conf')).toEqual(['700 0 0 directory', '600 0 0 regular file', ...resolvBefore]);

    expect(await fails(g, 'chmod 999 /var/c1')).toBe("error: invalid mode: '999'");
    expect(await fails(g, 'chmod u+q /var/c1')).toBe("error: invalid mode: 'u+q'");
    expect(await gstat(g, '/var/c1')).toEqual(['640 0 0 regular file']);
  });

  it("chown resolves names in the guest's passwd and group: USER, USER:GROUP, USER:, :GROUP, numeric ids", async () => {
    await ok(g, [String.raw`write /var/o1 'o'`]);
    await ok(g, ['chown alice /var/o1']);
    expect(await gstat(g, '/var/o1')).toEqual(['644 1000 0 regular file']);
    expect((await ok(g, ['chown alice:staff /var/o1'])).stdout).toBe('owner of /var/o1: alice:root -> alice:staff (1000:50)\n');
    expect(await gstat(g, '/var/o1')).toEqual(['644 1000 50 regular file']);
    await ok(g, ['chown root: /var/o1']);
    expect(await gstat(g, '/var/o1')).toEqual(['644 0 0 regular file']);
    await ok(g, ['chown alice: /var/o1']);
    expect(await gstat(g, '/var/o1')).toEqual(['644 1000 1000 regular file']);
    await ok(g, ['chown :staff /var/o1']);
    expect(await gstat(g, '/var/o1')).toEqual(['644 1000 50 regular file']);
    await ok(g, ['chown 1234:4321 /var/o1']);
    expect(await gstat(g, '/var/o1')).toEqual(['644 1234 4321 regular file']);
    const j = await json(g, 'chown alice:staff /var/o1');
    expect(j).toMatchObject({ path: '/var/o1', uid: 1000, gid: 50, user: 'alice', group: 'staff', previous: { uid: 1234, gid: 4321 } });

    expect(await fails(g, 'chown nosuchuser /var/o1')).toBe("error: no user 'nosuchuser' in the guest's /etc/passwd");
    expect(await fails(g, 'chown alice:nosuchgroup /var/o1')).toBe("error: no group 'nosuchgroup' in the guest's /etc/group");
    expect(await fails(g, 'chown 4444: /var/o1')).toMatch(/not in the guest's \/etc\/passwd, so it has no login group/);
    expect(await fails(g, 'chown : /var/o1')).toMatch(/invalid owner/);
    expect(await gstat(g, '/var/o1')).toEqual(['644 1000 50 regular file']);

    // -R: the tree, not what its symlinks point to
    await ok(g, ['mkdir -p /var/own/sub', String.raw`write /var/own/sub/f 'f'`, 'symlink /etc/passwd /var/own/pw', 'chown -R alice:staff /var/own']);
    expect(await gstat(g, '/var/own', '/var/own/sub', '/var/own/sub/f', '/etc/passwd')).toEqual([
      '755 1000 50 directory',
      '755 1000 50 directory',
      '644 1000 50 regular file',
      '644 0 0 regular file',
    ]);
  });

  it('symlink stores the target text verbatim and refuses an existing LINK', async () => {
    expect((await ok(g, ['symlink ../etc/hosts /root/l1'])).stdout).toBe('created /root/l1 -> ../etc/hosts\n');
    await ok(g, [q('ln-s', '/a b/../../../x', '/root/l2')]);
    expect(await statN(g, '/root/l1', '/root/l2')).toBe("'/root/l1' -> '../etc/hosts'\n'/root/l2' -> '/a b/../../../x'\n");
    expect(gcat('/root/l1')).toBe(gcat('/etc/hosts')); // resolves in the guest
    expect(await fails(g, 'symlink /etc/passwd /root/l1')).toBe('error: already exists: /root/l1');
    expect(await fails(g, 'symlink /etc/passwd /etc/hosts')).toBe('error: already exists: /etc/hosts');
    expect(await fails(g, 'symlink /x /nonexistent/l')).toBe('error: no such file or directory: /nonexistent');
    expect(await statN(g, '/root/l1')).toBe("'/root/l1' -> '../etc/hosts'\n");
    expect(await gstat(g, '/etc/hosts')).toEqual(['644 0 0 regular file']);
  });

  it('read-only sessions refuse every mutating command', async () => {
    for (const cmd of ["write /etc/r 'x'", 'copy /etc/hosts /etc/r', 'move /etc/hosts /etc/r', 'delete /etc/hosts', 'mkdir /etc/r', 'chmod 600 /etc/hosts', 'chown alice /etc/hosts', 'symlink x /etc/r']) {
      expect(await fails(g, cmd, ['--ro'])).toMatch(/this session is read-only/);
    }
    expect(await gstat(g, '/etc/r', '/etc/hosts')).toEqual(['-', '644 0 0 regular file']);
  });
});
