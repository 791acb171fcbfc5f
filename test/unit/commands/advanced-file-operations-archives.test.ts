import { execFileSync } from 'node:child_process';
import { gzipSync } from 'node:zlib';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { dir, fakeGuest, file, link } from '../../helpers/fake-guest.js';
import { runCommand } from '../../helpers/run-command.js';
import { compress } from '../../../commands/advanced-file-operations/compress.js';
import { extract } from '../../../commands/advanced-file-operations/extract.js';

// compress and extract on fake guests (the live path: the guest's programs through the agent);
// test/e2e/grep-replace-archives.test.ts runs them on an image with the jail.

const tmp = mkdtempSync(join(tmpdir(), 'guestctl-archives-unit-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function py(script: string): Buffer {
  const out = join(tmp, `a-${Math.random().toString(36).slice(2)}`);
  execFileSync('python3', ['-c', `import io, sys, tarfile, zipfile\nout = sys.argv[1]\n${script}`, out]);
  return readFileSync(out);
}

const passwd = 'root:x:0:0:root:/root:/bin/sh\nwww-data:x:33:33::/var/www:/usr/sbin/nologin\n';

describe('compress', () => {
  it('runs the guest tar with the format from the name, members relative to /, then renames a 0600 archive into place', async () => {
    const g = fakeGuest({
      kind: 'live',
      files: { '/etc/hosts': 'h\n', '/root': dir() },
      exec: { tar: async (argv, _o, guest) => { await guest.fs.writeFile(argv.find((a) => a.startsWith('--file='))!.slice(7), 'TAR', { mode: 0o644 }); return { code: 0 }; } },
    });
    const r = await runCommand(compress, ['/etc/hosts', '--to', '/root/e.tar.zst'], { guest: g, json: true });
    expect(r.code, r.stderr).toBe(0);
    const argv = g.execCalls[0]!.argv;
    expect(argv).toContain('--zstd');
    expect(argv.slice(-2)).toEqual(['--', 'etc/hosts']);
    expect(argv).toContain('--directory=/');
    expect((await g.fs.readFile('/root/e.tar.zst')).toString()).toBe('TAR');
    expect((await g.fs.stat('/root/e.tar.zst')).mode).toBe(0o600);
    expect((await g.fs.list('/root')).map((e) => e.name)).toEqual(['e.tar.zst']);
  });

  it('a guest without the program: one error naming it, no temporary file left', async () => {
    const g = fakeGuest({ kind: 'live', files: { '/etc/hosts': 'h\n', '/root': dir() } });
    const r = await runCommand(compress, ['/etc/hosts', '--to', '/root/e.zip'], { guest: g });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('the guest has no zip');
    expect(await g.fs.list('/root')).toEqual([]);
  });

  it('refuses an unknown extension, a missing --to and the whole root', async () => {
    const g = fakeGuest({ files: { '/etc/hosts': 'h\n' } });
    expect((await runCommand(compress, ['/etc/hosts', '--to', '/root/e.rar'], { guest: g })).stderr).toContain('cannot tell the archive format');
    expect((await runCommand(compress, ['/etc/hosts'], { guest: g })).code).toBe(2);
    expect((await runCommand(compress, ['/', '--to', '/r.tar'], { guest: g })).code).toBe(2);
  });

  it('--dry-run runs nothing', async () => {
    const g = fakeGuest({ files: { '/etc/hosts': 'h\n' } });
    const r = await runCommand(compress, ['/etc', '--to', '/root/e.tgz', '--dry-run'], { guest: g });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('would run in the guest: tar --create --file=/root/e.tgz --gzip');
    expect(g.execCalls).toEqual([]);
  });
});

describe('extract', () => {
  const hostileZip = py(`
def add(z, name, data=b'pwned', mode=0o100644):
    i = zipfile.ZipInfo(name); i.create_system = 3; i.external_attr = mode << 16; i.compress_type = zipfile.ZIP_DEFLATED
    z.writestr(i, data)
with zipfile.ZipFile(out, 'w') as z:
    add(z, 'sub/', b'', 0o40750)
    add(z, 'sub/ok.txt', b'fine', 0o100600)
    add(z, 'rel', b'sub/ok.txt', 0o120777)
    add(z, '/abs'); add(z, '../up'); add(z, 'out', b'../../etc', 0o120777); add(z, 'out/x')
    add(z, 'gl/y'); add(z, 'dev', b'', 0o20644)
`);

  it('zip: writes the accepted members (modes, symlinks, --owner) and names every refused one', async () => {
    const g = fakeGuest({ kind: 'live', files: { '/etc/passwd': passwd, '/a.zip': file(hostileZip), '/srv/t': dir(), '/srv/t/gl': link('/etc') } });
    const r = await runCommand(extract, ['/a.zip', '/srv/t', '--owner', 'www-data'], { guest: g, json: true });
    expect(r.code).toBe(1);
    const d = r.data as { extracted: { name: string }[]; refused: { name: string; refused: string }[] };
    expect(d.extracted.map((v) => v.name)).toEqual(['sub/', 'sub/ok.txt', 'rel']);
    expect(Object.fromEntries(d.refused.map((v) => [v.name, v.refused]))).toEqual({
      '/abs': 'absolute path',
      '../up': '".." component',
      out: 'symlink to /etc, outside /srv/t',
      'out/x': 'goes through out, a symlink earlier in the archive',
      'gl/y': 'goes through /srv/t/gl, a symlink in the guest',
      dev: 'device node (never extracted)',
    });
    const st = await g.fs.stat('/srv/t/sub/ok.txt');
    expect([(await g.fs.readFile('/srv/t/sub/ok.txt')).toString(), st.mode, st.uid, st.gid]).toEqual(['fine', 0o600, 33, 33]);
    expect((await g.fs.stat('/srv/t/sub')).mode).toBe(0o750);
    expect(await g.fs.readlink('/srv/t/rel')).toBe('sub/ok.txt');
    expect(await g.fs.exists('/etc/x')).toBe(false);
    expect(g.execCalls).toEqual([]);
  });

  it('zip: a member larger than it says, and a total beyond --max-size, stop before any write', async () => {
    const zip = py(`
with zipfile.ZipFile(out, 'w', zipfile.ZIP_DEFLATED) as z: z.writestr('zeros', b'\\0' * (4 << 20))`);
    const lying = Buffer.from(zip);
    const cd = lying.indexOf(Buffer.from([0x50, 0x4b, 1, 2]));
    lying.writeUInt32LE(1000, cd + 24);
    for (const [data, args, msg] of [[zip, ['--max-size', '1M'], /more than 1048576 bytes/], [lying, [], /inflates beyond its recorded size 1000/]] as const) {
      const g = fakeGuest({ files: { '/a.zip': file(data), '/t': dir() } });
      const r = await runCommand(extract, ['/a.zip', '/t', ...args], { guest: g });
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(msg);
      expect(await g.fs.list('/t')).toEqual([]);
    }
  });

  it('tar.gz: the ratio check and the size cap refuse a bomb before the guest tar runs', async () => {
    const tar = py(`
i = tarfile.TarInfo('zeros'); i.size = 20 << 20
with tarfile.open(out, 'w') as t: t.addfile(i, io.BytesIO(b'\\0' * i.size))`);
    const g = fakeGuest({ files: { '/b.tgz': file(gzipSync(tar, { level: 9 })), '/t': dir() } });
    const ratio = await runCommand(extract, ['/b.tgz', '/t', '--max-ratio', '100'], { guest: g });
    expect(ratio.stderr).toMatch(/more than 100:1/);
    const size = await runCommand(extract, ['/b.tgz', '/t', '--max-size', '8M'], { guest: g });
    expect(size.stderr).toMatch(/more than 8388608 bytes/);
    expect(g.execCalls).toEqual([]);
  });

  it('tar: the guest tar gets exactly the accepted names, NUL-separated; --owner chowns them afterwards', async () => {
    const tar = py(`
def add(t, name, kind=tarfile.REGTYPE, link=''):
    i = tarfile.TarInfo(name); i.type = kind; i.linkname = link; t.addfile(i, io.BytesIO(b''))
with tarfile.open(out, 'w') as t:
    add(t, 'a\\nb'); add(t, '../x'); add(t, 'l', tarfile.SYMTYPE, 'a\\nb')
`);
    let list = '';
    const g = fakeGuest({
      kind: 'live',
      files: { '/etc/passwd': passwd, '/a.tar': file(tar), '/t': dir(), '/var/tmp': dir() },
      exec: {
        tar: async (argv, _o, guest) => {
          list = (await guest.fs.readFile(argv.find((a) => a.startsWith('--files-from='))!.slice(13))).toString();
          await guest.fs.writeFile('/t/a\nb', '');
          return { code: 0 };
        },
      },
    });
    const r = await runCommand(extract, ['/a.tar', '/t', '--owner', 'www-data'], { guest: g });
    expect(r.code).toBe(1);
    expect(list).toBe('a\nb\0l\0');
    expect(r.stdout).toContain('../x: ".." component');
    expect((await g.fs.stat('/t/a\nb')).uid).toBe(33);
    expect(await g.fs.list('/var/tmp')).toEqual([]);
  });

  it('--dry-run writes nothing and does not create the target', async () => {
    const g = fakeGuest({ files: { '/a.zip': file(hostileZip) } });
    const r = await runCommand(extract, ['/a.zip', '/new', '--dry-run'], { guest: g });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('would extract 4 member(s) (24 bytes) of /a.zip into /new');
    expect(await g.fs.exists('/new')).toBe(false);
  });

  it('an unknown --owner fails before anything is read', async () => {
    const g = fakeGuest({ files: { '/etc/passwd': passwd, '/a.zip': file(hostileZip), '/t': dir() } });
    const r = await runCommand(extract, ['/a.zip', '/t', '--owner', 'nobody-here'], { guest: g });
    expect(r.stderr).toContain("no user 'nobody-here'");
    expect(await g.fs.list('/t')).toEqual([]);
  });
});
