// The File Management commands (write, copy, move, delete, mkdir, chmod, chown, symlink,
// large-files, disk-usage) on real fixture images. Every change is checked from outside the
// command: a NEW guestctl process reopens the image and the guest's own busybox (via `run`)
// looks at the result.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { quote } from 'shell-quote';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { leftovers, shell, tempDir, type CliResult } from '../helpers/cli.js';
import { fixtureInfo, workCopy } from '../helpers/fixtures.js';
import { SAMPLE_TREE_COMMANDS, SAMPLE_TREE_LISTING } from '../helpers/sample-tree.js';

const dir = tempDir('guestctl-fm-');
afterAll(() => {
  expect(leftovers(dir.path)).toEqual([]);
  dir.cleanup();
});

const LONG = { timeout: 240_000 };
const q = (...argv: string[]): string => quote(argv);
const sha256 = (b: Buffer): string => createHash('sha256').update(b).digest('hex');

/** Commands that must all succeed, in one session. */
async function ok(img: string, cmds: string[], extra: string[] = []): Promise<CliResult> {
  const r = await shell(img, cmds, extra);
  expect(r.code, `${cmds.join(' ; ')}\n${r.stderr}`).toBe(0);
  return r;
}

/** One command that must fail: an `error:` line, and no success line on stdout. */
async function fails(img: string, cmd: string, extra: string[] = []): Promise<string> {
  const r = await shell(img, [cmd], extra);
  expect(r.code, `${cmd} should fail\n${r.stdout}`).not.toBe(0);
  expect(r.stdout).toBe('');
  expect(r.stderr).toMatch(/^error: /);
  return r.stderr.split('\n')[0]!;
}

async function json(img: string, cmd: string): Promise<any> {
  const r = await ok(img, [cmd], ['--json']);
  return JSON.parse(r.stdout);
}

/** A shell script run by the guest's own busybox, in a new guestctl process. */
async function guest(img: string, script: string): Promise<string> {
  const r = await shell(img, [q('run', 'sh', '-c', script)]);
  expect(r.code, `${script}\n${r.stderr}`).toBe(0);
  return r.stdout;
}

/** `mode uid gid type` of each path (the guest's stat), '-' when missing. */
async function gstat(img: string, ...paths: string[]): Promise<string[]> {
  const script = paths.map((p) => `stat -c '%a %u %g %F' ${q(p)} 2>/dev/null || echo -`).join('; ');
  return (await guest(img, script)).trimEnd().split('\n');
}

async function gcat(img: string, path: string): Promise<string> {
  return guest(img, `cat ${q(path)}`);
}

/** Every entry under `top` as `relpath|mode|uid|gid|type|size-or-link`, sorted. */
async function tree(img: string, top: string): Promise<string[]> {
  const out = await guest(
    img,
    `cd ${q(top)} && find . | while read f; do if [ -L "$f" ]; then stat -c '%n|%a|%u|%g|%F|%N' "$f"; elif [ -d "$f" ]; then stat -c '%n|%a|%u|%g|%F|' "$f"; else stat -c '%n|%a|%u|%g|%F|%s' "$f"; fi; done`,
  );
  return out
    .trimEnd()
    .split('\n')
    .map((l) => l.replace(/\|'[^']*' -> /, '|-> '))
    .sort();
}

async function names(img: string, path: string): Promise<string[]> {
  return (await guest(img, `ls -a ${q(path)}`)).split(/\s+/).filter(Boolean);
}

describe('file management on the synthetic image', LONG, () => {
  let img = '';
  const bb = (out: string) => Number(out.trim().split(/\s+/)[0]) * 1024; // busybox du -k → bytes

  beforeAll(async () => {
    img = await workCopy('synthetic', join(dir.path, 'synthetic'));
  }, 300_000);

  it('large-files lists the biggest regular files, biggest first, without following symlinks', async () => {
    await ok(img, ['symlink /etc/big/blob.bin /root/bloblink']);
    const rows = await json(img, 'large-files / --min 1M');
    const blob = fixtureInfo('synthetic').files['/etc/big/blob.bin'];
    expect(rows[0]).toEqual({ path: '/etc/big/blob.bin', size: blob.size });
    expect(rows.map((r: any) => r.path)).toContain('/bin/busybox');
    expect(rows.map((r: any) => r.path)).not.toContain('/root/bloblink');
    for (let i = 1; i < rows.length; i++) expect(rows[i].size).toBeLessThanOrEqual(rows[i - 1].size);
    for (const r of rows) expect(r.size).toBeGreaterThanOrEqual(1 << 20);
    expect(await json(img, 'large-files / --min 1M --top 1')).toEqual([{ path: '/etc/big/blob.bin', size: blob.size }]);
    expect(await json(img, 'large-files')).toEqual([]); // default --min 10M
    // mounted guest filesystems are included (/data is its own partition)
    expect(await json(img, 'large-files /data --min 1')).toEqual([
      { path: '/data/hello.txt', size: 15 },
      { path: '/data/sub/deep.txt', size: 10 },
    ]);
    const human = await ok(img, ['large-files /etc --min 1M']);
    expect(human.stdout).toBe('SIZE  PATH\n3.0M  /etc/big/blob.bin\n');
    expect(await fails(img, 'large-files / --min lots')).toBe("error: invalid size: 'lots'");
  });

  it("disk-usage agrees with the guest's own du, counts hard links once and lists --depth", async () => {
    const perDir = async () => {
      const out = await guest(img, 'for d in / /proc /sys /dev /etc /etc/big /data /bin /home; do du -s -k $d; done');
      return Object.fromEntries(out.trimEnd().split('\n').map((l) => [l.split('\t')[1]!, bb(l)]));
    };
    const theirs = await perDir();
    const ours = Object.fromEntries(((await json(img, 'disk-usage / --depth 1')) as { path: string; size: number }[]).map((r) => [r.path, r.size]));
    for (const d of ['/etc', '/data', '/bin', '/home']) expect(ours[d], d).toBe(theirs[d]);
    // In the sandbox /proc, /sys and /dev are the kernel's (0 KiB); ours are the guest's own directories.
    const pseudo = ['/proc', '/sys', '/dev'];
    const expectedRoot = theirs['/']! - pseudo.reduce((s, d) => s + theirs[d]!, 0) + pseudo.reduce((s, d) => s + ours[d]!, 0);
    expect(ours['/']).toBe(expectedRoot);
    expect((await json(img, 'disk-usage /'))).toEqual([{ path: '/', size: expectedRoot }]);
    // the total is the last row and the sum of what is listed above it plus / itself
    const rows = (await json(img, 'disk-usage / --depth 1')) as { path: string; size: number }[];
    expect(rows[rows.length - 1]!.path).toBe('/');
    // --depth 2 lists /etc/big with what the guest's du says
    const deep = (await json(img, 'disk-usage /etc --depth 2')) as { path: string; size: number }[];
    expect(deep.find((r) => r.path === '/etc/big')!.size).toBe(theirs['/etc/big']);
    expect(deep[deep.length - 1]).toEqual({ path: '/etc', size: theirs['/etc'] });

    // a second hard link to the 3 MiB blob adds nothing
    await guest(img, 'ln /etc/big/blob.bin /etc/big/blob.hardlink');
    const after = await perDir();
    expect(after['/etc']).toBe(theirs['/etc']);
    expect(await json(img, 'du /etc')).toEqual([{ path: '/etc', size: after['/etc'] }]);
    await guest(img, 'rm /etc/big/blob.hardlink');

    const human = await ok(img, ['du /etc/big']);
    expect(human.stdout).toBe('SIZE  PATH\n3.1M  /etc/big\n');
  });

  // What these commands do is tested on the fake guest (test/unit/commands/file-management.test.ts);
  // here, what only the real file system shows: rename(2) replaces (a new inode) or keeps the
  // inode, and no temp file stays behind. /var/tree2 is the tree the cross-filesystem move uses.
  it('write replaces by rename, move keeps the inode, copy -r copies the tree, and no temp file stays', async () => {
    await guest(img, 'chown 1000:50 /etc/app.conf && chmod 600 /etc/app.conf');
    const inodeBefore = (await guest(img, 'stat -c %i /etc/app.conf')).trim();
    await ok(img, [String.raw`write /etc/app.conf 'listen = 127.0.0.1:80\n'`]);
    expect(await gcat(img, '/etc/app.conf')).toBe('listen = 127.0.0.1:80\n');
    expect(await gstat(img, '/etc/app.conf')).toEqual(['600 1000 50 regular file']);
    expect((await guest(img, 'stat -c %i /etc/app.conf')).trim()).not.toBe(inodeBefore);
    expect(await fails(img, "write /etc/ro-test 'x'", ['--ro'])).toMatch(/read-only/);
    expect(await gstat(img, '/etc/ro-test')).toEqual(['-']);
    expect((await names(img, '/etc')).filter((n) => n.includes('guestctl'))).toEqual([]);

    await ok(img, [String.raw`write /etc/mv1 'm\n'`]);
    const inode = (await guest(img, 'stat -c %i /etc/mv1')).trim();
    await ok(img, ['move /etc/mv1 /etc/mv2']);
    expect((await guest(img, 'stat -c %i /etc/mv2')).trim()).toBe(inode);

    await ok(img, SAMPLE_TREE_COMMANDS);
    const original = await tree(img, '/var/tree');
    expect(original).toEqual(SAMPLE_TREE_LISTING);
    await ok(img, ['copy -r /var/tree /var/tree2', 'copy -r /var/tree /tmp']);
    expect(await tree(img, '/var/tree2')).toEqual(original);
    expect(await gcat(img, '/var/tree2/rel')).toBe('F\n');
    expect(await fails(img, 'copy -r /var/tree /tmp')).toMatch(/^error: \/tmp\/tree already exists/);
    for (const d of ['/tmp', '/var', '/var/tree/sub']) expect((await names(img, d)).filter((n) => n.includes('guestctl'))).toEqual([]);
  });

  it('cross-filesystem move (/etc on / to /data, its own partition) copies, keeps metadata, then deletes', async () => {
    const devs = (await guest(img, 'stat -c %d /etc /data')).trim().split('\n');
    expect(devs[0]).not.toBe(devs[1]); // really two filesystems: rename(2) gives EXDEV
    await ok(img, [String.raw`write /etc/x 'cross\n'`, 'chown alice:staff /etc/x', 'chmod 0640 /etc/x']);
    const r = await ok(img, ['move /etc/x /data/x']);
    expect(r.stdout).toBe('moved /etc/x to /data/x (copied across filesystems)\n');
    expect(await gstat(img, '/etc/x', '/data/x')).toEqual(['-', '640 1000 50 regular file']);
    expect(await gcat(img, '/data/x')).toBe('cross\n');

    // a directory tree with symlinks, into an existing directory on the other filesystem
    const original = await tree(img, '/var/tree2');
    await ok(img, ['move /var/tree2 /data/']);
    expect(await gstat(img, '/var/tree2')).toEqual(['-']);
    expect(await tree(img, '/data/tree2')).toEqual(original);
    // and back, replacing nothing
    await ok(img, ['move /data/tree2 /var/tree3']);
    expect(await tree(img, '/var/tree3')).toEqual(original);
    expect(await gstat(img, '/data/tree2')).toEqual(['-']);
    expect((await names(img, '/data')).filter((n) => n.includes('guestctl'))).toEqual([]);
  });

  it('a cross-filesystem move that fails (disk full) leaves the source intact and nothing at the destination', async () => {
    await ok(img, ['mkdir /var/bigdir', 'copy /etc/big/blob.bin /var/bigdir/', String.raw`write /var/bigdir/small 's\n'`]);
    const before = await tree(img, '/var/bigdir');
    // fill /data completely (as root, reserved blocks included)
    await guest(img, 'head -c 100000000 /dev/zero > /data/fill 2>/dev/null; true');
    const err = await fails(img, 'move /var/bigdir /data/');
    expect(err).toMatch(/no space left/);
    expect(await tree(img, '/var/bigdir')).toEqual(before);
    expect(await gstat(img, '/data/bigdir')).toEqual(['-']);
    expect((await names(img, '/data')).filter((n) => n.includes('guestctl'))).toEqual([]);
    await ok(img, ['delete /data/fill']);
  });
});

describe("chown uses the guest's ids, not the host's", LONG, () => {
  it('daemon and staff mean what the guest says even where the host has the same names', async () => {
    const img = await workCopy('synthetic', join(dir.path, 'ids'));
    // Give names the host has too (daemon, staff) ids the host certainly does not use for them.
    const passwd = 'root:x:0:0:root:/root:/bin/sh\\ndaemon:x:4243:4242:daemon:/:/bin/false\\nalice:x:1000:1000:Alice:/home/alice:/bin/sh\\n';
    const group = 'root:x:0:\\nstaff:x:4242:alice\\nalice:x:1000:\\n';
    await ok(img, [`write /etc/passwd '${passwd}'`, `write /etc/group '${group}'`]);
    await ok(img, [String.raw`write /var/g 'g'`, 'chown daemon:staff /var/g', String.raw`write /var/h 'h'`, 'chown daemon: /var/h']);
    expect(await gstat(img, '/var/g', '/var/h')).toEqual(['644 4243 4242 regular file', '644 4243 4242 regular file']);
    // the guest's own chown and ls agree on the names
    expect((await guest(img, 'ls -l /var/g')).split(/\s+/).slice(2, 4)).toEqual(['daemon', 'staff']);
    // a user only the guest has (alice: uid 1000) and the fixture's staff (gid 50) on a fresh copy
    const fresh = await workCopy('synthetic', join(dir.path, 'ids2'));
    await ok(fresh, [String.raw`write /var/s 's'`, 'chown alice:staff /var/s']);
    expect(await gstat(fresh, '/var/s')).toEqual(['644 1000 50 regular file']);
    expect((await guest(fresh, 'ls -l /var/s')).split(/\s+/).slice(2, 4)).toEqual(['alice', 'staff']);
  });
});

describe('file management on a qcow2 image', LONG, () => {
  it('writes, copies, moves across filesystems, chmods and chowns through the qcow2 export', async () => {
    const img = await workCopy('synthetic-qcow2', join(dir.path, 'qcow2'));
    await ok(img, [
      String.raw`write /etc/q.txt 'qcow2\n'`,
      'chown alice:staff /etc/q.txt',
      'chmod 0604 /etc/q.txt',
      'mkdir -p /var/qd/sub',
      'copy /etc/q.txt /var/qd/sub/',
      'move /etc/q.txt /data/q.txt',
      'symlink q.txt /data/q.link',
      'delete /etc/hostname',
    ]);
    expect(await gstat(img, '/etc/q.txt', '/data/q.txt', '/var/qd/sub/q.txt', '/var/qd/sub', '/etc/hostname')).toEqual([
      '-',
      '604 1000 50 regular file',
      '604 1000 50 regular file',
      '755 0 0 directory',
      '-',
    ]);
    expect(await gcat(img, '/data/q.link')).toBe('qcow2\n');
    expect(await json(img, 'du /data')).toEqual([{ path: '/data', size: Number((await guest(img, 'du -s -k /data')).split('\t')[0]) * 1024 }]);
  });
});

// A guest whose symlinks point at host files: every command runs through them; the host
// canaries and the host's /etc/shadow stay untouched and nothing new appears on the host.
describe('hostile image: every file management command stays inside the guest', LONG, () => {
  const canary = '/tmp/guestctl-canary';
  const hostProbe = '/tmp/authorized_keys';
  let img = '';
  let info: any;
  const canaries: Record<string, string> = {};
  let hostShadow = { hash: '', mode: 0, uid: 0, gid: 0, mtimeMs: 0 };
  let hostProbeBefore: string | null = null;
  const outputs: string[] = [];

  const run = async (cmd: string, extra: string[] = []): Promise<CliResult> => {
    const r = await shell(img, [cmd], extra);
    outputs.push(r.stdout, r.stderr);
    return r;
  };
  const shadowState = () => {
    const st = statSync('/etc/shadow');
    return { hash: sha256(readFileSync('/etc/shadow')), mode: st.mode, uid: st.uid, gid: st.gid, mtimeMs: st.mtimeMs };
  };

  beforeAll(async () => {
    info = fixtureInfo('hostile');
    img = await workCopy('hostile', join(dir.path, 'hostile'));
    mkdirSync(canary, { recursive: true });
    for (const name of ['motd', 'issue']) {
      const p = join(canary, name);
      if (!existsSync(p)) writeFileSync(p, `HOST CANARY ${name}\n`);
      canaries[p] = sha256(readFileSync(p));
    }
    hostShadow = shadowState();
    hostProbeBefore = existsSync(hostProbe) ? sha256(readFileSync(hostProbe)) : null;
    expect(existsSync(join(canary, 'created-by-guest'))).toBe(false);
  }, 300_000);

  afterAll(() => {
    // Other test files (run in parallel) may rewrite these canaries with their own HOST text;
    // what must never be there is anything these commands wrote.
    for (const [p, h] of Object.entries(canaries)) {
      const now = readFileSync(p);
      if (sha256(now) !== h) expect(now.toString(), p).toMatch(/^HOST [A-Z ]*CANARY[A-Za-z ]*\n$/);
    }
    expect(shadowState()).toEqual(hostShadow);
    expect(existsSync(join(canary, 'created-by-guest'))).toBe(false);
    expect(existsSync(join(canary, 'made'))).toBe(false);
    expect(existsSync(hostProbe) ? sha256(readFileSync(hostProbe)) : null).toBe(hostProbeBefore);
    // the host's shadow never shows up in any output
    const hostLines = readFileSync('/etc/shadow', 'utf8').split('\n').filter((l) => l.length > 8 && !info.guestShadow.includes(l));
    for (const o of outputs) for (const l of hostLines) expect(o.includes(l)).toBe(false);
  });

  it('copy reads through the links inside the guest (GUEST-SHADOW), never writes through them to the host', async () => {
    expect((await run('copy /etc/hostname /root/h')).stdout).toBe('copied /etc/shadow to /root/h\n');
    expect(await gcat(img, '/root/h')).toBe(`${info.guestShadow}\n`);
    for (const [cmd, err] of [
      ['copy /etc/issue /root/i', 'error: no such file or directory: /tmp/guestctl-canary'],
      ['copy /etc/motd /root/m', 'error: no such file or directory: /tmp/guestctl-canary'],
      ['copy /etc/passwd /etc/newfile', 'error: not writing through dangling symlink /etc/newfile -> /../../../tmp/guestctl-canary/created-by-guest'],
      ['copy /etc/passwd /etc/motd', 'error: not writing through dangling symlink /etc/motd -> ../../../../../../../../tmp/guestctl-canary/motd'],
    ] as const) {
      const r = await run(cmd);
      expect(r.code).not.toBe(0);
      expect(r.stdout).toBe('');
      expect(r.stderr.split('\n')[0]).toBe(err);
    }
    // -r copies links as links, verbatim
    await run('copy -r /root/escape /root/escape-copy');
    await run('copy -r /etc /root/etc-copy');
    expect(await guest(img, 'stat -c %N /root/escape-copy /root/etc-copy/hostname /root/etc-copy/motd')).toBe(
      "'/root/escape-copy' -> '../../../../../../..'\n'/root/etc-copy/hostname' -> '/../../../../etc/shadow'\n'/root/etc-copy/motd' -> '../../../../../../../../tmp/guestctl-canary/motd'\n",
    );
    expect(await gcat(img, '/root/etc-copy/shadow')).toBe(`${info.guestShadow}\n`);
    // copying INTO /root/escape (-> the guest root) lands in the guest root
    expect((await run('copy /etc/fstab /root/escape')).stdout).toBe('copied /etc/fstab to /fstab\n');
    expect(await gstat(img, '/fstab')).toEqual(['644 0 0 regular file']);
  });

  it('write, mkdir and symlink through escaping links land in the guest or fail', async () => {
    for (const cmd of ["write /etc/motd 'pwned'", "write /etc/issue 'pwned'", "write /etc/newfile 'pwned'", "write -a /etc/motd 'pwned'", 'mkdir -p /etc/newfile/x']) {
      const r = await run(cmd);
      expect(r.code, cmd).not.toBe(0);
      expect(r.stderr.split('\n')[0]).toBe('error: no such file or directory: /tmp/guestctl-canary');
    }
    expect((await run(String.raw`write /root/.ssh/authorized_keys 'ssh-ed25519 AAAA guest\n'`)).stdout).toBe('created /tmp/authorized_keys (23 bytes)\n');
    expect(await gcat(img, '/tmp/authorized_keys')).toBe('ssh-ed25519 AAAA guest\n');
    expect((await run('mkdir -p /root/escape/tmp/guestctl-canary/made')).stdout).toBe('created /tmp/guestctl-canary/made (0755)\n');
    expect(await gstat(img, '/tmp/guestctl-canary/made')).toEqual(['755 0 0 directory']);
    // now the dangling link resolves inside the guest, and writing through it stays there
    expect((await run("write /etc/newfile 'inside\\n'")).stdout).toBe('created /tmp/guestctl-canary/created-by-guest (7 bytes)\n');
    expect(await gcat(img, '/tmp/guestctl-canary/created-by-guest')).toBe('inside\n');
    expect((await run('mkdir /home/evil/made-in-root')).stdout).toBe('created /root/made-in-root (0755)\n');
    const s = await run('symlink /etc/shadow /etc/newfile');
    expect(s.stderr.split('\n')[0]).toBe('error: already exists: /etc/newfile');
    await run('symlink /../../../../etc/shadow /root/evil-link');
    expect(await guest(img, 'stat -c %N /root/evil-link; cat /root/evil-link')).toBe(`'/root/evil-link' -> '/../../../../etc/shadow'\n${info.guestShadow}\n`);
    expect((await run("write /etc/hostname 'replaced\\n'")).stdout).toBe('replaced /etc/shadow (9 bytes)\n');
    expect(await gcat(img, '/etc/shadow')).toBe('replaced\n');
    expect(await guest(img, 'stat -c %N /etc/hostname')).toBe("'/etc/hostname' -> '/../../../../etc/shadow'\n");
  });

  it('chmod and chown through the links change guest files only; loops fail cleanly', async () => {
    expect((await run('chmod 0600 /etc/hostname')).stdout).toBe('mode of /etc/shadow: 0640 -> 0600\n');
    expect((await run('chown 1:1 /etc/hostname')).stdout).toMatch(/^owner of \/etc\/shadow: /);
    expect(await gstat(img, '/etc/shadow')).toEqual(['600 1 1 regular file']);
    for (const cmd of ['chmod 0600 /etc/motd', 'chown 1 /etc/issue']) {
      const r = await run(cmd);
      expect(r.code, cmd).not.toBe(0);
      expect(r.stderr.split('\n')[0], cmd).toMatch(/^error: no such file or directory: \/tmp\/guestctl-canary/);
    }
    for (const cmd of ['chmod 0600 /var/loop1', 'chown 0 /var/loop2', "write /var/loop1 'x'", 'large-files /var/loop1']) {
      const r = await run(cmd);
      expect(r.code, cmd).not.toBe(0);
      expect(r.stderr.split('\n')[0], cmd).toMatch(/too many levels of symbolic links/);
    }
    // -R over /root does not follow .ssh (-> /tmp) or escape (-> /)
    const tmpBefore = await gstat(img, '/tmp', '/etc/passwd');
    expect((await run('chmod -R 0700 /root')).code).toBe(0);
    expect((await run('chown -R 1:1 /root')).code).toBe(0);
    expect(await gstat(img, '/tmp', '/etc/passwd')).toEqual(tmpBefore);
    expect(await guest(img, 'stat -c %N /root/.ssh')).toBe("'/root/.ssh' -> '/tmp'\n");
  });

  it('move and delete act on the links themselves; deletes through them are refused or stay inside', async () => {
    expect((await run('move /etc/motd /root/motd-moved')).stdout).toBe('moved /etc/motd to /root/motd-moved\n');
    expect(await guest(img, 'stat -c %N /root/motd-moved')).toBe("'/root/motd-moved' -> '../../../../../../../../tmp/guestctl-canary/motd'\n");
    expect((await run('move /etc/passwd /root/.ssh/')).stdout).toBe('moved /etc/passwd to /tmp/passwd\n');
    expect((await run('move /tmp/passwd /etc/passwd')).code).toBe(0);
    expect((await run('delete /etc/issue')).stdout).toBe('deleted /etc/issue (symlink)\n');
    expect((await run('delete -r /home/evil')).stdout).toBe('deleted /home/evil (symlink)\n');
    expect(await gstat(img, '/root/made-in-root')).toEqual(['700 1 1 directory']); // chmod -R / chown -R above
    let r = await run('delete -r /root/escape/etc');
    expect(r.stderr.split('\n')[0]).toBe('error: refusing to delete /etc: a top-level system path (add --force if you really mean it)');
    r = await run('delete -r --force /root/escape');
    expect(r.stdout).toBe('deleted /root/escape (symlink)\n');
    r = await run('delete -r --force /root/.ssh/..');
    expect(r.stderr.split('\n')[0]).toBe('error: refusing to delete the guest root');
    expect(await gstat(img, '/etc/passwd', '/bin/busybox')).toEqual(['644 0 0 regular file', '755 0 0 regular file']);
  });

  it('large-files and disk-usage walk the guest only (links are not followed, loops do not hang)', async () => {
    const r = await run('large-files / --min 1 --top 1000', ['--json']);
    const rows = JSON.parse(r.stdout) as { path: string; size: number }[];
    expect(rows.find((x) => x.path === '/etc/shadow')).toEqual({ path: '/etc/shadow', size: 'replaced\n'.length });
    for (const x of rows) expect(x.path.startsWith('/root/escape')).toBe(false);
    const du = await run('du / --depth 1', ['--json']);
    expect(du.code).toBe(0);
    const total = (JSON.parse(du.stdout) as { path: string; size: number }[]).at(-1)!;
    expect(total.path).toBe('/');
    const theirs = await guest(img, 'du -s -k /');
    // within the guest image's size: the host root is much bigger than a 64 MiB image
    expect(total.size).toBeLessThan(info.virtualSize);
    expect(total.size).toBeGreaterThanOrEqual(Number(theirs.split('\t')[0]) * 1024);
  });
});
