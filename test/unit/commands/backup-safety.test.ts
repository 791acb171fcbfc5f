import { execFileSync } from 'node:child_process';
import { gzipSync } from 'node:zlib';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync, existsSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tar from 'tar';
import { afterAll, describe, expect, it } from 'vitest';
import { dir, fakeGuest, file, link, type FakeGuest } from '../../helpers/fake-guest.js';
import { runCommand } from '../../helpers/run-command.js';
import { backup } from '../../../commands/backup-safety/backup.js';
import { backups } from '../../../commands/backup-safety/backups.js';
import { restore } from '../../../commands/backup-safety/restore.js';
import { vetEntries, symlinkDestination } from '../../../src/archive/vet-entries.js';
import { appendRecord, readRecords } from '../../../commands/backup-safety/_shared/host-index.js';
import { decompress } from '../../../src/archive/compression.js';
import type { TarEntry } from '../../../src/parsers/tar-headers.js';

// backup, backups and restore on fake guests: the live paths (the guest's tar through the
// agent), the host index, and the member checks. test/e2e/backup.test.ts runs them on images.

const host = mkdtempSync(join(tmpdir(), 'guestctl-backup-unit-'));
afterAll(() => rmSync(host, { recursive: true, force: true }));
const env = { XDG_DATA_HOME: join(host, 'xdg') };

/** A live guest whose tar writes "ARCHIVE" to its --file and remembers what it was asked. */
function liveGuest(extra: Record<string, ReturnType<typeof file> | ReturnType<typeof dir> | ReturnType<typeof link>> = {}): FakeGuest {
  return fakeGuest({
    kind: 'live',
    name: 'web1',
    files: { '/etc/hosts': '127.0.0.1 localhost\n', '/var/tmp': dir(), ...extra },
    exec: {
      tar: async (argv, _opts, g) => {
        const out = argv.find((a) => a.startsWith('--file'));
        const path = out === '--file' ? argv[argv.indexOf('--file') + 1]! : out!.slice('--file='.length);
        if (argv.includes('--create')) await g.fs.writeFile(path, 'ARCHIVE');
        return { code: 0 };
      },
    },
  });
}

describe('backup on a live guest', () => {
  it('--to: the guest tar writes a guest temp file, it is copied to the host, removed, and recorded', async () => {
    const g = liveGuest();
    const dest = join(host, 'web1.tar.gz');
    const r = await runCommand(backup, ['/etc', '--exclude', '*.bak', '--to', dest], { guest: g, env, json: true });
    expect(r.code, r.stderr).toBe(0);
    expect(readFileSync(dest, 'utf8')).toBe('ARCHIVE');
    const call = g.execCalls[0]!;
    expect(call.argv).toEqual(expect.arrayContaining(['tar', '--create', '--format=posix', '--numeric-owner', '--xattrs', '--acls', '--sparse', '--gzip', '--exclude=proc/*', '--exclude=*.bak', '--directory=/']));
    expect(call.opts.stdin).toBe('etc\0');
    expect(await g.fs.list('/var/tmp')).toEqual([]);
    const record = JSON.parse(readFileSync(join(env.XDG_DATA_HOME, 'guestctl/backups.jsonl'), 'utf8'));
    expect(record).toMatchObject({ image: 'live:web1', file: dest, paths: ['/etc'], size: 7 });
    expect(readdirSync(host).filter((n) => n.includes('guestctl-'))).toEqual([]);
  });

  it('without --to: kept in /var/backups/guestctl (0700), root 0600, the store left out of the archive; backups lists it and the host record', async () => {
    const g = liveGuest();
    const r = await runCommand(backup, ['/etc'], { guest: g, env, json: true });
    expect(r.code, r.stderr).toBe(0);
    const made = r.data as { file: string; sha256: string };
    expect(made.file).toMatch(/^\/var\/backups\/guestctl\/etc-\d{8}T\d{6}Z\.tar\.gz$/);
    expect(g.execCalls[0]!.argv).toContain('--exclude=var/backups/guestctl');
    const st = await g.fs.stat(made.file);
    expect([st.mode & 0o777, st.uid, st.gid]).toEqual([0o600, 0, 0]);
    expect((await g.fs.stat('/var/backups/guestctl')).mode & 0o777).toBe(0o700);
    const l = await runCommand(backups, [], { guest: g, env, json: true });
    const rows = (l.data as { backups: { where: string; file: string; missing?: boolean }[] }).backups;
    expect(rows.map((b) => [b.where, b.file, b.missing ?? null])).toEqual([
      ['guest', made.file, null],
      ['host', join(host, 'web1.tar.gz'), false],
    ]);
  });

  it('an existing host file is not replaced, and a failed guest tar leaves no file anywhere', async () => {
    const dest = join(host, 'exists.tar');
    writeFileSync(dest, 'keep');
    expect((await runCommand(backup, ['/etc', '--to', dest], { guest: liveGuest(), env })).stderr).toContain('already exists');
    const g = fakeGuest({ kind: 'live', files: { '/etc/a': 'a', '/var/tmp': dir() }, exec: { tar: { code: 2, stderr: 'tar: etc/x: Cannot open: Permission denied\ntar: Exiting with failure status due to previous errors\n' } } });
    const r = await runCommand(backup, ['/etc', '--to', join(host, 'failed.tar')], { guest: g, env });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("backup: the guest's tar: tar: etc/x: Cannot open: Permission denied");
    expect(existsSync(join(host, 'failed.tar'))).toBe(false);
    expect(readdirSync(host).filter((n) => n.includes('guestctl-'))).toEqual([]);
  });

  it('refuses an archive name it cannot tell the format of', async () => {
    const r = await runCommand(backup, ['/etc', '--to', join(host, 'x.zip')], { guest: liveGuest(), env });
    expect(r.code).toBe(2);
  });
});

describe('restore', () => {
  const tree = join(host, 'tree');
  mkdirSync(join(tree, 'etc'), { recursive: true });
  writeFileSync(join(tree, 'etc/ok'), 'ok\n');
  symlinkSync('/', join(tree, 'l'));
  const archive = join(host, 'r.tar');
  tar.create({ sync: true, file: archive, cwd: tree, portable: true }, ['etc', 'l']);

  const guestWith = () =>
    fakeGuest({
      files: { '/var/backups/guestctl/r.tar': file(readFileSync(archive)), '/srv/r': dir(), '/var/tmp': dir(), '/srv/r/etc': link('/etc') },
      exec: {
        tar: async (argv, _opts, g) => {
          const list = argv.find((a) => a.startsWith('--files-from='))!.slice('--files-from='.length);
          return { code: 0, stdout: (await g.fs.readFile(list)).toString() };
        },
      },
    });

  it('--dry-run names what it would restore and refuses, writes nothing', async () => {
    const g = guestWith();
    const r = await runCommand(restore, ['r.tar', '--to', '/srv/r', '--dry-run'], { guest: g, env });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('  l: symlink to /, outside /srv/r');
    expect(r.stdout).toContain('  etc/ok: goes through /srv/r/etc, a symlink in the guest');
    expect(r.stdout).toContain('would restore 1 member(s)');
    expect(g.execCalls).toEqual([]);
  });

  it('the guest tar is given only the accepted names, and its temp files are removed', async () => {
    const g = guestWith();
    await g.fs.remove('/srv/r/etc');
    const r = await runCommand(restore, ['/var/backups/guestctl/r.tar', '--to', '/srv/r'], { guest: g, env, json: true });
    expect(r.code).toBe(1);
    const call = g.execCalls[0]!;
    expect(call.argv).toEqual(expect.arrayContaining(['--extract', '--numeric-owner', '--xattrs', '--acls', '--no-recursion', '--directory=/srv/r']));
    expect(await g.fs.list('/var/tmp')).toEqual([]);
    expect((r.data as { restored: { name: string }[] }).restored.map((v) => v.name)).toEqual(['etc/', 'etc/ok']);
  });
});

describe('vetEntries', () => {
  const e = (path: string, type: TarEntry['type'] = 'file', linkpath: string | null = null): TarEntry => ({ path, type, linkpath, mode: 0o644, uid: 0, gid: 0, size: 0, mtime: 0, xattrs: [] });
  const vet = (entries: TarEntry[], target = '/srv/t', guestLinks: string[] = []) =>
    vetEntries(entries, { target, devices: false, isGuestSymlink: async (p) => guestLinks.includes(p) }).then((v) => v.map((x) => [x.name, x.refused]));

  it.each([
    [[e('a/b')], [['a/b', null]]],
    [[e('./a')], [['./a', null]]],
    [[e('/etc/x')], [['/etc/x', 'absolute path']]],
    [[e('a/../../x')], [['a/../../x', '".." component']]],
    [[e('l', 'symlink', '../x')], [['l', 'symlink to /srv/x, outside /srv/t']]],
    [[e('l', 'symlink', 'sub/x')], [['l', null]]],
    [[e('dev', 'char')], [['dev', 'device node (pass --devices to restore it)']]],
    [[e('h', 'hardlink', 'a/b')], [['h', null]]],
    [[e('x'), e('x', 'hardlink', '/etc/shadow')], [['x', 'another member of the same name was refused'], ['x', 'hard link to an absolute path (/etc/shadow)']]],
  ])('%j', async (entries, want) => {
    expect(await vet(entries)).toEqual(want);
  });

  it('a restore into / accepts absolute symlinks (they mean guest paths); a guest symlink on the way is refused', async () => {
    expect(await vet([e('etc/localtime', 'symlink', '/usr/share/zoneinfo/UTC')], '/')).toEqual([['etc/localtime', null]]);
    expect(await vet([e('bin/x')], '/', ['/bin'])).toEqual([['bin/x', 'goes through /bin, a symlink in the guest']]);
    expect(symlinkDestination('/a/b', '../../../../x')).toBe('/x');
  });
});

describe('host index and compression', () => {
  it('concurrent appends each land as one whole line', async () => {
    const index = join(host, 'concurrent', 'backups.jsonl');
    const rec = (i: number) => ({ image: '/img', file: `/b/${i}.tar`, date: 'd', paths: ['/etc'.repeat(500)], size: i, sha256: 'x' });
    await Promise.all(Array.from({ length: 40 }, (_, i) => appendRecord(index, rec(i))));
    const { records, bad } = await readRecords(index);
    expect(bad).toBe(0);
    expect(records.map((r) => r.size).sort((a, b) => a - b)).toEqual(Array.from({ length: 40 }, (_, i) => i));
  });

  it('gzip and zstd are recognised by content, whatever the name', async () => {
    const plain = Buffer.from('plain tar bytes');
    expect(await decompress(gzipSync(plain), 'x')).toEqual(plain);
    expect(await decompress(execFileSync('zstd', ['-c'], { input: plain }), 'x')).toEqual(plain);
    expect(await decompress(plain, 'x')).toEqual(plain);
  });
});
