import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, guestctl, leftovers, sessionEnv, shell, tempDir, type CliResult } from '../helpers/cli.js';
import { fixtureInfo, workCopy } from '../helpers/fixtures.js';

// The File Operations commands (ls, cat, head, find, stat, download, upload, edit) on real
// fixture images through the real CLI. Every change is checked from outside: a new session,
// the guest's own busybox (run …), or the host file system.

const dir = tempDir('guestctl-files-');
afterAll(() => {
  expect(leftovers(dir.path)).toEqual([]);
  dir.cleanup();
});

const sha256 = (data: Buffer | string) => createHash('sha256').update(data).digest('hex');
const json = (r: CliResult): any => {
  expect(r.stderr).toBe('');
  return JSON.parse(r.stdout);
};

/** A session with extra environment (EDITOR...). */
function sh(img: string, commands: string[], opts: { extra?: string[]; env?: Record<string, string> } = {}): Promise<CliResult> {
  return guestctl(['interactive', img, ...(opts.extra ?? []), ...commands.flatMap((c) => ['-c', c])], { env: { ...sessionEnv(img), ...opts.env } });
}

/** `stat -c FORMAT PATH` by the guest's own busybox. */
async function guestStat(img: string, path: string, format = '%a %u %g'): Promise<string> {
  const r = await shell(img, [`run stat -c '${format}' ${path}`]);
  expect(r.stderr).toBe('');
  return r.stdout.trim();
}

async function guestCat(img: string, path: string): Promise<string> {
  const r = await shell(img, [`cat ${path}`]);
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  return r.stdout;
}

/** A host script usable as $EDITOR; `body` sees the file as "$1" (after any arguments). */
function editorScript(name: string, body: string): string {
  const p = join(dir.path, name);
  writeFileSync(p, `#!/bin/sh\n${body}\n`);
  chmodSync(p, 0o755);
  return p;
}

/** Nothing the edit command made on the host may stay: its temp dirs live under TMPDIR (= dir). */
function editTempDirs(): string[] {
  return readdirSync(dir.path).filter((n) => n.startsWith('guestctl-edit-'));
}

describe('reading: ls, cat, head, stat, find (synthetic image)', () => {
  let img = '';
  beforeAll(async () => {
    img = await workCopy('synthetic', join(dir.path, 'read'));
  });

  it('cat of the binary blob on stdout is byte-exact', () => {
    const out = join(dir.path, 'blob-out.bin');
    // Through a shell redirection, so that no string decoding happens on the way.
    execFileSync('sh', ['-c', `"$0" "$1" interactive "$2" -c 'cat /etc/big/blob.bin' > "$3"`, process.execPath, BIN, img, out], {
      env: { ...process.env, ...sessionEnv(img) },
    });
    expect(sha256(readFileSync(out))).toBe(fixtureInfo('synthetic').files['/etc/big/blob.bin'].sha256);
  });

  it('cat refuses a directory and a missing file with one clear line', async () => {
    const d = await shell(img, ['cat /etc']);
    expect(d.code).toBe(1);
    expect(d.stderr).toBe('error: /etc is a directory (try: ls /etc)\nerror: stopped at command 1 (cat /etc)\n');
    const m = await shell(img, ['cat /etc/nope']);
    expect(m.code).toBe(1);
    expect(m.stderr.split('\n')[0]).toBe('error: no such file or directory: /etc/nope');
  });

  it('stat reports what the guest own stat(1) sees', async () => {
    const s = json(await shell(img, ['stat /home/alice/notes.txt'], ['--json']));
    const busybox = await guestStat(img, '/home/alice/notes.txt', '%a %u %g %i %h %s %F');
    expect(`${Number.parseInt(s.mode, 8).toString(8)} ${s.uid} ${s.gid} ${s.inode} ${s.links} ${s.size} ${s.type === 'file' ? 'regular file' : s.type}`).toBe(busybox);
    expect(Date.parse(s.mtime)).toBeGreaterThan(0);
  });

  it('find matches what the guest own find(1) finds', async () => {
    const prune = '-path /proc -prune -o -path /sys -prune -o -path /dev -prune -o';
    const cases: [string, string][] = [
      ["/ -name '*.conf'", `/ ${prune} -name '*.conf' -print`],
      ["/ -iname '*.CONF'", `/ ${prune} -iname '*.CONF' -print`],
      ['/ -type d', `/ ${prune} -type d -print`],
      ['/ -type l', `/ ${prune} -type l -print`],
      ["/etc -name '[a-n]*'", "/etc -name '[a-n]*'"],
      ["/etc -name 'h?st*'", "/etc -name 'h?st*'"],
      ['/etc -maxdepth 1 -type f', '/etc -maxdepth 1 -type f'],
      ['/etc -mindepth 2', '/etc -mindepth 2'],
      ['/data', '/data'],
    ];
    const hidden = new Set(['/proc', '/sys', '/dev']); // pruned above: the sandbox mounts them
    for (const [ours, theirs] of cases) {
      const a = json(await shell(img, [`find ${ours}`], ['--json'])) as string[];
      const b = (await shell(img, [`run find ${theirs}`])).stdout.split('\n').filter(Boolean);
      expect({ ours, found: a.filter((p) => !hidden.has(p)).sort() }).toEqual({ ours, found: b.sort() });
      expect(a.length).toBeGreaterThan(0);
    }
  });

  it('find prints one path per line, sorted within each directory, and -size rounds up like GNU find', async () => {
    expect((await shell(img, ["find /etc/conf.d -name '*.conf'"])).stdout).toBe('/etc/conf.d/cron.conf\n/etc/conf.d/network.conf\n/etc/conf.d/sshd.conf\n');
    const big = json(await shell(img, ['find / -type f -size +2M'], ['--json']));
    expect(big).toContain('/etc/big/blob.bin'); // 3 MiB
    expect(json(await shell(img, ['find /etc -size 3M'], ['--json']))).toEqual(['/etc/big/blob.bin']);
    expect(json(await shell(img, ['find /etc -size +3M'], ['--json']))).toEqual([]);
    // 16 bytes rounds up to 1k: -size -1k only matches empty files, as in GNU find.
    expect(json(await shell(img, ['find /etc/conf.d -size -1k'], ['--json']))).toEqual([]);
    expect(json(await shell(img, ['find /etc/conf.d -type f -size 1k'], ['--json']))).toHaveLength(3);
    expect(json(await shell(img, ['find /etc/conf.d/sshd.conf -size 29c'], ['--json']))).toEqual(['/etc/conf.d/sshd.conf']);
    // The start itself is tested too, and a relative start is relative to the cwd.
    expect((await shell(img, ['cd /etc', 'find conf.d -maxdepth 0'])).stdout).toBe('/etc/conf.d\n');
  });
});

describe('find on the Debian guest agrees with its GNU find', () => {
  let img = '';
  beforeAll(async () => {
    img = await workCopy('debian', join(dir.path, 'deb'));
  });
  it.each([["-name '*.conf'"], ['-type l'], ["-iname 'readme*' -size -2k"], ['-maxdepth 2 -type d']])('find / %s', async (tests) => {
    const r = await shell(img, [`find / ${tests}`], ['--json']); // stderr: notes about the image
    expect(r.code).toBe(0);
    const ours = JSON.parse(r.stdout) as string[];
    const prune = ['/proc', '/sys', '/dev', '/run'].map((p) => `-path ${p} -prune -o`).join(' ');
    const gnu = await shell(img, [`run find / ${prune} ${tests} -print`]);
    expect(gnu.code).toBe(0);
    // The jail mounts its own /proc, /sys, /dev and /run over the image's.
    const hidden = (p: string) => /^\/(proc|sys|dev|run)(\/|$)/.test(p);
    expect(ours.filter((p) => !hidden(p)).sort()).toEqual(gnu.stdout.split('\n').filter(Boolean).sort());
  });
});

describe('download (synthetic image)', () => {
  let img = '';
  let out = '';
  beforeAll(async () => {
    img = await workCopy('synthetic', join(dir.path, 'dl'));
    out = join(dir.path, 'dl-out');
    mkdirSync(out);
  });

  it('copies a file to a host path, or into a host directory under its guest name', async () => {
    const r = await shell(img, [`download /etc/app.conf ${out}/copy.conf`, `download /home/alice/notes.txt ${out}`]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(`downloaded /etc/app.conf to ${out}/copy.conf (82 bytes)\ndownloaded /home/alice/notes.txt to ${out}/notes.txt (17 bytes)\n`);
    expect(readFileSync(join(out, 'copy.conf'), 'utf8')).toBe(await guestCat(img, '/etc/app.conf'));
    expect(readFileSync(join(out, 'notes.txt'), 'utf8')).toBe('hello from alice\n');
    expect(statSync(join(out, 'copy.conf')).mode & 0o777).toBe(0o644 & ~process.umask());
  });

  it('streams a large binary file byte for byte', async () => {
    const r = json(await shell(img, [`download /etc/big/blob.bin ${out}`], ['--json']));
    const blob = fixtureInfo('synthetic').files['/etc/big/blob.bin'];
    expect(r).toEqual({ guestPath: '/etc/big/blob.bin', canonicalPath: '/etc/big/blob.bin', hostPath: join(out, 'blob.bin'), size: blob.size });
    expect(sha256(readFileSync(join(out, 'blob.bin')))).toBe(blob.sha256);
  });

  it('refuses to replace a host file without --force, and replaces it atomically with it', async () => {
    const target = join(out, 'keep.txt');
    writeFileSync(target, 'host data\n');
    const r = await shell(img, [`download /etc/app.conf ${target}`]);
    expect(r.code).toBe(1);
    expect(r.stderr.split('\n')[0]).toBe(`error: ${target} already exists on the host: pass --force to replace it`);
    expect(readFileSync(target, 'utf8')).toBe('host data\n');
    const inode = statSync(target).ino;
    const f = await shell(img, [`download --force /etc/app.conf ${target}`]);
    expect({ code: f.code, stderr: f.stderr }).toEqual({ code: 0, stderr: '' });
    expect(readFileSync(target, 'utf8')).toBe(await guestCat(img, '/etc/app.conf'));
    expect(statSync(target).ino).not.toBe(inode); // a new file renamed over the old one
  });

  it('fails clearly on a guest directory, a missing guest file and a missing host directory, leaving no temp file', async () => {
    const d = await shell(img, [`download /etc ${out}/x`]);
    expect(d.code).toBe(1);
    expect(d.stderr.split('\n')[0]).toBe('error: is a directory: /etc');
    const m = await shell(img, [`download /etc/nope ${out}/x`]);
    expect(m.stderr.split('\n')[0]).toBe('error: no such file or directory: /etc/nope');
    const h = await shell(img, [`download /etc/app.conf ${out}/no/such/dir/x`]);
    expect(h.code).toBe(1);
    expect(h.stderr.split('\n')[0]).toBe(`error: no such host directory: ${out}/no/such/dir`);
    expect(readdirSync(out).filter((n) => n.includes('guestctl'))).toEqual([]);
    expect(existsSync(join(out, 'x'))).toBe(false);
  });
});

describe('upload (synthetic image)', () => {
  let img = '';
  let src = '';
  beforeAll(async () => {
    img = await workCopy('synthetic', join(dir.path, 'ul'));
    src = join(dir.path, 'ul-src');
    mkdirSync(src);
    writeFileSync(join(src, 'motd'), 'welcome to the guest\n');
    writeFileSync(join(src, 'notes.txt'), 'replaced notes\n');
  });

  it('creates a new guest file root:root 0644', async () => {
    const r = await shell(img, [`upload ${src}/motd /etc/motd`]);
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe(`uploaded ${src}/motd to /etc/motd (21 bytes)\n`);
    expect(await guestCat(img, '/etc/motd')).toBe('welcome to the guest\n');
    expect(await guestStat(img, '/etc/motd')).toBe('644 0 0');
  });

  it('replaces an existing file keeping its owner and mode (0640 alice:alice)', async () => {
    expect((await shell(img, ['run chmod 0640 /home/alice/notes.txt'])).code).toBe(0);
    const before = await guestStat(img, '/home/alice/notes.txt', '%a %u %g %i');
    const r = json(await shell(img, [`upload ${src}/notes.txt /home/alice/notes.txt`], ['--json']));
    expect(r).toEqual({ hostPath: `${src}/notes.txt`, guestPath: '/home/alice/notes.txt', size: 15 });
    expect(await guestCat(img, '/home/alice/notes.txt')).toBe('replaced notes\n');
    const after = await guestStat(img, '/home/alice/notes.txt', '%a %u %g %i');
    expect(after.split(' ').slice(0, 3)).toEqual(['640', '1000', '1000']);
    expect(after.split(' ')[3]).not.toBe(before.split(' ')[3]); // atomic: a new inode renamed into place
  });

  it('uploads into an existing guest directory under the host name', async () => {
    const r = await shell(img, [`upload ${src}/motd /tmp`, `upload ${src}/motd /data/`]);
    expect(r.stdout).toBe(`uploaded ${src}/motd to /tmp/motd (21 bytes)\nuploaded ${src}/motd to /data/motd (21 bytes)\n`);
    expect(await guestCat(img, '/tmp/motd')).toBe('welcome to the guest\n');
    expect(await guestCat(img, '/data/motd')).toBe('welcome to the guest\n');
  });

  it('fails clearly: host directory, missing host file, missing guest directory, read-only session', async () => {
    const d = await shell(img, [`upload ${src} /tmp/x`]);
    expect(d.code).toBe(1);
    expect(d.stderr.split('\n')[0]).toBe(`error: ${src} is a directory on the host (upload copies one file)`);
    const m = await shell(img, [`upload ${src}/nope /tmp/x`]);
    expect(m.stderr.split('\n')[0]).toBe(`error: no such host file: ${src}/nope`);
    const g = await shell(img, [`upload ${src}/motd /no/such/dir/x`]);
    expect(g.code).toBe(1);
    expect(g.stderr.split('\n')[0]).toBe('error: no such file or directory: /no');
    const ro = await shell(img, [`upload ${src}/motd /etc/ro-motd`], ['--ro']);
    expect(ro.code).toBe(1);
    expect(ro.stderr.split('\n')[0]).toBe('error: upload changes the guest, and this session is read-only (--ro)');
    expect((await shell(img, ['stat /etc/ro-motd'])).code).toBe(1);
    expect((await shell(img, ['find /tmp /etc -name .*guestctl*'], ['--json'])).stdout).toBe('[]\n');
  });
});

describe('edit (synthetic image)', () => {
  let img = '';
  beforeAll(async () => {
    img = await workCopy('synthetic', join(dir.path, 'ed'));
  });
  const inodeOf = async (path: string) => (json(await shell(img, [`stat ${path}`], ['--json'])) as { inode: number }).inode;

  it('writes a changed file back, shows the unified diff, keeps the owner and mode', async () => {
    expect((await shell(img, ['run chmod 0640 /home/alice/notes.txt'])).code).toBe(0);
    const editor = editorScript('ed-sed.sh', 'sed -i "s/hello/goodbye/" "$1"');
    const r = await sh(img, ['edit /home/alice/notes.txt'], { env: { EDITOR: editor, VISUAL: '' } });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(
      ['--- /home/alice/notes.txt', '+++ /home/alice/notes.txt', '@@ -1 +1 @@', '-hello from alice', '+goodbye from alice', 'wrote /home/alice/notes.txt', ''].join('\n'),
    );
    expect(await guestCat(img, '/home/alice/notes.txt')).toBe('goodbye from alice\n');
    expect(await guestStat(img, '/home/alice/notes.txt')).toBe('640 1000 1000');
    expect(editTempDirs()).toEqual([]);
  });

  it('writes nothing when the content is unchanged (same inode)', async () => {
    const inode = await inodeOf('/etc/app.conf');
    const r = await sh(img, ['edit /etc/app.conf'], { env: { EDITOR: editorScript('ed-touch.sh', 'touch "$1"'), VISUAL: '' } });
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('no changes: /etc/app.conf left as it was\n');
    expect(await inodeOf('/etc/app.conf')).toBe(inode);
    expect(editTempDirs()).toEqual([]);
  });

  it('writes nothing when the editor fails or is killed, and says so', async () => {
    const inode = await inodeOf('/etc/app.conf');
    const before = await guestCat(img, '/etc/app.conf');
    const failing = editorScript('ed-fail.sh', 'echo garbage >> "$1"; exit 3');
    const r = await sh(img, ['edit /etc/app.conf'], { env: { EDITOR: failing, VISUAL: '' } });
    expect(r.code).toBe(1);
    expect(r.stderr.split('\n')[0]).toBe('error: the editor (ed-fail.sh) exited with status 3: nothing written to /etc/app.conf');
    const killed = editorScript('ed-kill.sh', 'echo garbage >> "$1"; kill -TERM $$');
    const k = await sh(img, ['edit /etc/app.conf'], { env: { EDITOR: killed, VISUAL: '' } });
    expect(k.code).toBe(1);
    expect(k.stderr.split('\n')[0]).toBe('error: the editor (ed-kill.sh) was killed by SIGTERM: nothing written to /etc/app.conf');
    expect(await guestCat(img, '/etc/app.conf')).toBe(before);
    expect(await inodeOf('/etc/app.conf')).toBe(inode);
    expect(editTempDirs()).toEqual([]);
  });

  it('runs an editor given with arguments, $VISUAL before $EDITOR', async () => {
    const r = await sh(img, ['edit /etc/app.conf'], {
      env: { VISUAL: `sed -i 's/log_level = info/log_level = warn/'`, EDITOR: editorScript('ed-never.sh', 'exit 9') },
    });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(await guestCat(img, '/etc/app.conf')).toContain('log_level = warn\n');
    expect(await guestStat(img, '/etc/app.conf')).toBe('644 0 0');
  });

  it('--backup keeps the previous version as PATH.bak', async () => {
    const before = await guestCat(img, '/etc/conf.d/sshd.conf');
    const r = await sh(img, ['edit --backup /etc/conf.d/sshd.conf'], { env: { EDITOR: 'sed -i s/=no/=yes/', VISUAL: '' } });
    expect(r.code).toBe(0);
    expect(r.stdout.trim().split('\n').pop()).toBe('wrote /etc/conf.d/sshd.conf (previous version kept as /etc/conf.d/sshd.conf.bak)');
    expect(await guestCat(img, '/etc/conf.d/sshd.conf.bak')).toBe(before);
    expect(await guestCat(img, '/etc/conf.d/sshd.conf')).toBe('port=22\npermit_root_login=yes\n');
  });

  it('creates a missing file (root:root 0644) only when something was saved', async () => {
    const none = await sh(img, ['edit /etc/new.conf'], { env: { EDITOR: 'true', VISUAL: '' } });
    expect(none.stdout).toBe('no changes: /etc/new.conf not created\n');
    expect((await shell(img, ['stat /etc/new.conf'])).code).toBe(1);
    const r = await sh(img, ['edit /etc/new.conf'], { env: { EDITOR: editorScript('ed-write.sh', 'printf "key=value\\n" > "$1"'), VISUAL: '' } });
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(['--- /dev/null', '+++ /etc/new.conf', '@@ -0,0 +1 @@', '+key=value', 'created /etc/new.conf', ''].join('\n'));
    expect(await guestCat(img, '/etc/new.conf')).toBe('key=value\n');
    expect(await guestStat(img, '/etc/new.conf')).toBe('644 0 0');
  });

  it('--json: one JSON value on stdout, the editor output goes to stderr', async () => {
    const noisy = editorScript('ed-noisy.sh', 'echo "editor says hi"; sed -i s/workers/threads/ "$1"');
    const r = await sh(img, ['edit /etc/app.conf'], { extra: ['--json'], env: { EDITOR: noisy, VISUAL: '' } });
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('editor says hi\n');
    const v = JSON.parse(r.stdout);
    expect(v).toMatchObject({ path: '/etc/app.conf', changed: true, written: true, created: false });
    expect(v.diff).toContain('-workers = 4\n+threads = 4\n');
  });

  it('refuses directories, read-only sessions and a missing directory before running the editor', async () => {
    const marker = join(dir.path, 'editor-ran');
    const editor = editorScript('ed-marker.sh', `touch ${marker}`);
    const env = { EDITOR: editor, VISUAL: '' };
    const d = await sh(img, ['edit /etc'], { env });
    expect(d.stderr.split('\n')[0]).toBe('error: /etc is a directory');
    const ro = await sh(img, ['edit /etc/app.conf'], { env, extra: ['--ro'] });
    expect(ro.stderr.split('\n')[0]).toBe('error: edit changes the guest, and this session is read-only (--ro)');
    const m = await sh(img, ['edit /no/such/file'], { env });
    expect(m.stderr.split('\n')[0]).toBe('error: no such file or directory: /no');
    expect(existsSync(marker)).toBe(false);
    expect(editTempDirs()).toEqual([]);
  });
});

// A guest whose symlinks point at host files. Every command runs through them; the host
// canaries and the host's /etc/shadow must stay untouched and nothing new may appear.
describe('hostile image: every command stays inside the guest', () => {
  const canary = '/tmp/guestctl-canary';
  let img = '';
  let hostShadow = '';
  const canaries: Record<string, string> = {};
  const hostTmpProbe = `authorized_keys-${process.pid}`;
  let info: any;

  beforeAll(async () => {
    info = fixtureInfo('hostile');
    img = await workCopy('hostile', join(dir.path, 'hostile'));
    mkdirSync(canary, { recursive: true });
    for (const name of ['motd', 'issue']) {
      const p = join(canary, name);
      if (!existsSync(p)) writeFileSync(p, `HOST CANARY ${name}\n`);
      canaries[p] = sha256(readFileSync(p));
    }
    hostShadow = sha256(readFileSync('/etc/shadow'));
    expect(existsSync(join(canary, 'created-by-guest'))).toBe(false);
    expect(existsSync(join('/tmp', hostTmpProbe))).toBe(false);
  });

  afterAll(() => {
    for (const [p, h] of Object.entries(canaries)) expect(sha256(readFileSync(p))).toBe(h);
    expect(sha256(readFileSync('/etc/shadow'))).toBe(hostShadow);
    expect(existsSync(join(canary, 'created-by-guest'))).toBe(false);
    expect(existsSync(join('/tmp', hostTmpProbe))).toBe(false);
  });

  it('ls and stat show the links themselves; ls lists through /root/.ssh to the guest /tmp', async () => {
    const rows = json(await shell(img, ['ls -l /etc'], ['--json'])) as { name: string; target?: string }[];
    for (const l of info.symlinks.filter((s: any) => s.path.startsWith('/etc/'))) {
      expect(rows).toContainEqual(expect.objectContaining({ name: l.path.slice(5), type: 'symlink', target: l.target }));
    }
    expect((await shell(img, ['ls -l /etc/newfile'])).stdout).toContain('/etc/newfile -> /../../../tmp/guestctl-canary/created-by-guest');
    expect(json(await shell(img, ['ls /root/.ssh'], ['--json']))).toEqual([]); // the guest /tmp is empty
    const s = json(await shell(img, ['stat /etc/hostname'], ['--json']));
    expect(s).toMatchObject({ type: 'symlink', target: '/../../../../etc/shadow', canonicalPath: '/etc/hostname' });
    const through = json(await shell(img, ['stat /root/escape/etc/shadow'], ['--json']));
    expect(through).toMatchObject({ canonicalPath: '/etc/shadow', size: info.guestShadow.length + 1 });
    const loop = await shell(img, ['stat /var/loop1/x']);
    expect(loop.code).toBe(1);
    expect(loop.stderr.split('\n')[0]).toBe('error: too many levels of symbolic links: /var/loop1/x');
  });

  it('cat and head read the guest shadow, never the host one or the canaries', async () => {
    const r = await shell(img, ['cat /etc/hostname', 'cat /root/escape/etc/shadow', 'head -n 1 /home/evil/../etc/shadow'], ['--keep-going']);
    expect(r.stdout).toBe(`${info.guestShadow}\n`.repeat(3));
    for (const p of ['/etc/motd', '/etc/issue', '/etc/newfile']) {
      const c = await shell(img, [`cat ${p}`]);
      expect(c.code).toBe(1);
      expect(c.stderr.split('\n')[0]).toBe('error: no such file or directory: /tmp/guestctl-canary');
      expect(c.stdout).toBe('');
    }
    const loop = await shell(img, ['head /etc/hosts']);
    expect(loop.stderr.split('\n')[0]).toBe('error: too many levels of symbolic links: /etc/hosts');
  });

  it('find lists links without entering them, even through a trailing-slash start', async () => {
    const all = json(await shell(img, ['find /'], ['--json'])) as string[];
    for (const l of info.symlinks) expect(all).toContain(l.path);
    expect(all.filter((p) => p.startsWith('/root/.ssh/') || p.startsWith('/root/escape/') || p.startsWith('/home/evil/'))).toEqual([]);
    // /root/escape/ resolves to the guest root: the same tree, nothing of the host's.
    const escaped = json(await shell(img, ['find /root/escape/ -maxdepth 1'], ['--json'])) as string[];
    expect(escaped).toEqual(all.filter((p) => p.split('/').length <= 2));
    expect(escaped).not.toContain('/work');
    expect(json(await shell(img, ['find /root/.ssh'], ['--json']))).toEqual(['/root/.ssh']);
    expect(json(await shell(img, ['find / -name shadow'], ['--json']))).toEqual(['/etc/shadow']);
    expect(json(await shell(img, ["find /etc -type l -name 'host*'"], ['--json']))).toEqual(['/etc/hostname', '/etc/hosts']);
  });

  it('download copies the guest file behind a link, never a host file', async () => {
    const out = join(dir.path, 'hostile-dl');
    mkdirSync(out);
    const r = await shell(img, [`download /etc/hostname ${out}`, `download /root/escape/etc/shadow ${out}/shadow`], ['--keep-going']);
    expect(r.stderr).toBe('');
    expect(readFileSync(join(out, 'hostname'), 'utf8')).toBe(`${info.guestShadow}\n`);
    expect(readFileSync(join(out, 'shadow'), 'utf8')).toBe(`${info.guestShadow}\n`);
    const m = await shell(img, [`download /etc/motd ${out}`]);
    expect(m.stderr.split('\n')[0]).toBe('error: no such file or directory: /tmp/guestctl-canary');
    expect(readdirSync(out).sort()).toEqual(['hostname', 'shadow']);
  });

  it('upload through the links lands in the guest or fails', async () => {
    const src = join(dir.path, 'hostile-src');
    mkdirSync(src);
    writeFileSync(join(src, hostTmpProbe), 'ssh-ed25519 AAAA test\n');
    const through = await shell(img, [`upload ${src}/${hostTmpProbe} /root/.ssh/`]);
    expect(through.stdout).toBe(`uploaded ${src}/${hostTmpProbe} to /tmp/${hostTmpProbe} (22 bytes)\n`);
    expect(await guestStat(img, `/tmp/${hostTmpProbe}`)).toBe('644 0 0');
    for (const p of ['/etc/newfile', '/etc/motd', '/etc/issue']) {
      const r = await shell(img, [`upload ${src}/${hostTmpProbe} ${p}`]);
      expect(r.code).toBe(1);
      expect(r.stderr.split('\n')[0]).toBe('error: no such file or directory: /tmp/guestctl-canary');
    }
    const shadow = await shell(img, [`upload ${src}/${hostTmpProbe} /etc/hostname`]);
    expect(shadow.code).toBe(0);
    expect(await guestCat(img, '/etc/shadow')).toBe('ssh-ed25519 AAAA test\n');
    expect(await guestStat(img, '/etc/shadow')).toBe('640 0 0'); // kept the guest shadow's mode
  });

  it('edit through the links changes the guest file or fails before the editor runs', async () => {
    const marker = join(dir.path, 'hostile-editor-ran');
    const editor = editorScript('ed-hostile.sh', `touch ${marker}; echo 'root:EDITED:1::::::' > "$1"`);
    const env = { EDITOR: editor, VISUAL: '' };
    for (const p of ['/etc/newfile', '/etc/motd', '/etc/issue']) {
      const r = await sh(img, [`edit ${p}`], { env });
      expect(r.code).toBe(1);
      expect(r.stderr.split('\n')[0]).toBe('error: no such file or directory: /tmp/guestctl-canary');
    }
    expect(existsSync(marker)).toBe(false);
    const r = await sh(img, ['edit --backup /home/evil/../etc/hostname'], { env });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(existsSync(marker)).toBe(true);
    expect(await guestCat(img, '/etc/shadow')).toBe('root:EDITED:1::::::\n');
    expect(await guestStat(img, '/etc/shadow')).toBe('640 0 0');
    expect(lstatSync('/etc/shadow').isFile()).toBe(true);
    expect(editTempDirs()).toEqual([]);
  });
});
