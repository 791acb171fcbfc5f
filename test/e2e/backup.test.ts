import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { guestctl, leftovers, REPO, tempDir } from '../helpers/cli.js';
import { workCopy } from '../helpers/fixtures.js';

// backup / restore proved from outside: the guest's own tar lists both trees into pax archives
// (test/e2e/backup/manifest.py reads every member's metadata, xattrs, ACLs and content), GNU
// tar on the host lists the backup, and the hostile archive leaves no file outside the target.

const dir = tempDir('guestctl-backup-');
const env = { TMPDIR: dir.path, XDG_DATA_HOME: join(dir.path, 'xdg') };
const py = (script: string, ...args: string[]) => execFileSync('python3', [join(REPO, 'test/e2e/backup', script), ...args], { encoding: 'utf8', maxBuffer: 256 << 20 });
const session = (img: string, cmds: string[], extra: string[] = []) => guestctl(['interactive', img, ...extra, ...cmds.flatMap((c) => ['-c', c])], { env, timeoutMs: 300_000 });

async function manifest(img: string, name: string): Promise<unknown[]> {
  const host = join(dir.path, `${name}.manifest.tar`);
  const r = await session(img, [
    "run tar --create --format=posix --sort=name --numeric-owner --xattrs --xattrs-include=* --acls --sparse -f /var/tmp/manifest.tar -C / etc home",
    `download /var/tmp/manifest.tar ${host}`,
    'delete /var/tmp/manifest.tar',
  ]);
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(py('manifest.py', host)) as unknown[];
}

/** test/e2e/backup/hostile-archive.py's archive, written next to the images. */
function hostileArchive(name: string): string {
  const file = join(dir.path, name);
  py('hostile-archive.py', file);
  return file;
}

afterAll(() => {
  expect(leftovers(dir.path)).toEqual([]);
  dir.cleanup();
});

describe('backup and restore on the debian fixture', () => {
  let src: string;
  const archive = join(dir.path, 'etc-home.tar.gz');
  beforeAll(async () => {
    src = await workCopy('debian', dir.path);
    const plant = join(dir.path, 'plant.tar');
    py('plant-archive.py', plant);
    const r = await session(src, [
      `upload ${plant} /var/tmp/plant.tar`,
      'run tar -x --numeric-owner --same-permissions --xattrs --xattrs-include=* --acls -f /var/tmp/plant.tar -C /',
      'delete /var/tmp/plant.tar',
      "run sh -c 'echo pair > /etc/bk-hl-a && ln /etc/bk-hl-a /etc/bk-hl-b'",
      "run sh -c 'truncate -s 32M /home/bk/sparse && printf data | dd of=/home/bk/sparse bs=1 seek=16777216 conv=notrunc status=none'",
      "run sh -c 'cp /usr/bin/true /home/bk/cap && setcap cap_net_raw+ep /home/bk/cap'",
    ]);
    expect(r.code, r.stderr).toBe(0);
  }, 300_000);

  it('backup writes a host archive GNU tar lists, with the hard link, the sparse file and the xattrs', async () => {
    const r = await session(src, [`backup /etc /home --to ${archive}`], ['--json']);
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out).toMatchObject({ where: 'host', file: archive, paths: ['/etc', '/home'] });
    expect(out.sha256).toBe(execFileSync('sha256sum', [archive], { encoding: 'utf8' }).split(' ')[0]);
    const listing = execFileSync('tar', ['-tvf', archive], { encoding: 'utf8' });
    expect(listing).toMatch(/^-rw-r----- 0\/1000 .* etc\/bk-meta$/m);
    expect(listing).toMatch(/etc\/bk-hl-b link to etc\/bk-hl-a$|etc\/bk-hl-a link to etc\/bk-hl-b$/m);
    expect(listing).toMatch(/ 33554432 .* home\/bk\/sparse$/m);
    const xattrs = execFileSync('tar', ['--xattrs', '--xattrs-include=*', '--acls', '-tvvf', archive], { encoding: 'utf8' });
    expect(xattrs).toMatch(/user\.test/);
    expect(xattrs).toMatch(/security\.capability/);
    expect(readFileSync(join(env.XDG_DATA_HOME, 'guestctl/backups.jsonl'), 'utf8')).toContain(`"file":"${archive}"`);
    const tmp = execFileSync('ls', ['-a', dir.path], { encoding: 'utf8' });
    expect(tmp).not.toMatch(/guestctl-[0-9a-f]{12}/); // no temp file left next to it
  });

  it('restore into a fresh copy gives the same content, modes, owners, times, xattrs, ACLs and links', async () => {
    const dst = await workCopy('debian', dir.path);
    const r = await session(dst, [`restore host:${archive} --to /`], ['--json']);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).refused).toEqual([]);
    const [a, b] = [await manifest(src, 'src'), await manifest(dst, 'dst')];
    expect(b.length).toBe(a.length);
    expect(b).toEqual(a);
    const names = a.map((m) => (m as { name: string }).name);
    expect(names).toContain('etc/bk-meta');
    const meta = a.find((m) => (m as { name: string }).name === 'etc/bk-meta') as { meta: Record<string, string> };
    expect(meta.meta['SCHILY.xattr.user.test']).toBe('hello');
    expect(meta.meta['SCHILY.acl.access']).toContain('user:1000:r--');
    const sparse = await session(dst, ['run stat -c %b:%B /home/bk/sparse']);
    const [blocks, unit] = sparse.stdout.trim().split(':').map(Number);
    expect(blocks! * unit!).toBeLessThan(1 << 20); // still sparse
  }, 300_000);

  it('backups lists the host record of this image and a backup kept in the guest', async () => {
    const r = await session(src, ['backup /etc/hostname'], ['--json']);
    expect(r.code, r.stderr).toBe(0);
    const made = JSON.parse(r.stdout);
    const l = await session(src, ['backups'], ['--json']);
    expect(l.code, l.stderr).toBe(0);
    const listed = JSON.parse(l.stdout);
    expect(made.file).toMatch(/^\/var\/backups\/guestctl\/hostname-\d{8}T\d{6}Z\.tar\.gz$/);
    const guest = listed.backups.find((b: { where: string }) => b.where === 'guest');
    expect(guest).toMatchObject({ file: made.file, sha256: made.sha256, size: made.size });
    expect(listed.backups.find((b: { where: string }) => b.where === 'host')).toMatchObject({ file: archive, missing: false });
    const check = await session(src, [`run stat -c %a:%u:%g:%s /var/backups/guestctl ${made.file}`, `run tar -tzf ${made.file}`]);
    expect(check.stdout).toContain(`700:0:0:`);
    expect(check.stdout).toContain(`600:0:0:${made.size}`);
    expect(check.stdout).toContain('etc/hostname');
  }, 300_000);
});

describe('restore refuses a hostile archive entry by entry', () => {
  it('nothing is written outside the target, and each refused member is named', async () => {
    const [img, bad] = [await workCopy('debian', dir.path), hostileArchive('hostile.tar')];
    const r = await session(img, ['mkdir -p /srv/restore', 'symlink /etc /srv/restore/gl', `restore host:${bad} --to /srv/restore`]);
    expect(r.code).toBe(1);
    for (const [name, why] of [
      ['/tmp/guestctl-backup-abs', 'absolute path'],
      ['../guestctl-backup-up', '".." component'],
      ['sub/../../guestctl-backup-up2', '".." component'],
      ['l', 'symlink to /, outside /srv/restore'],
      ['l/tmp/guestctl-backup-evil', 'goes through l, a symlink earlier in the archive'],
      ['h', 'hard link to an absolute path (/etc/shadow)'],
      ['h2', 'hard link to a path with ".." (../../etc/shadow)'],
      ['gl/evil', 'goes through /srv/restore/gl, a symlink in the guest'],
    ]) expect(r.stdout).toContain(`  ${name}: ${why}`);
    expect(r.stdout).toContain('restored 1 member(s)');
    for (const p of ['/tmp/guestctl-backup-abs', '/tmp/guestctl-backup-evil', '/guestctl-backup-up', '/tmp/guestctl-backup-up']) expect(existsSync(p)).toBe(false);
    const look = await session(img, [
      "run sh -c 'cat /srv/restore/ok; ls -A /srv/restore; ls -A / /srv /tmp /etc | grep -c guestctl-backup; test ! -e /etc/evil && echo no-evil'",
    ]);
    expect(look.stdout).toBe('fine\ngl\nok\n0\nno-evil\n');
  }, 300_000);
});

describe('the hostile image', () => {
  it('backup archives escaping symlinks as symlinks, never the host files they name', async () => {
    const img = await workCopy('hostile', dir.path);
    const out = join(dir.path, 'hostile-backup.tar');
    const r = await session(img, [`backup /etc/hostname /etc/issue /home/evil /root/escape/etc --to ${out}`]);
    expect(r.code, r.stderr).toBe(0);
    const listing = execFileSync('tar', ['-tvf', out], { encoding: 'utf8' });
    expect(listing).toMatch(/^l.* etc\/hostname -> \/\.\.\/\.\.\/\.\.\/\.\.\/etc\/shadow$/m);
    expect(listing).toMatch(/^l.* home\/evil -> /m);
    const content = readFileSync(out, 'latin1');
    expect(content).not.toContain('HOST ISSUE CANARY');
    const hostRoot = readFileSync('/etc/shadow', 'utf8').split('\n').find((l) => l.startsWith('root:'))!.split(':')[1]!;
    if (hostRoot.length > 2) expect(content).not.toContain(hostRoot);
  }, 300_000);

  it('restore refuses members below its escaping links; its busybox has no tar, so nothing is written and the error says why', async () => {
    const [img, bad] = [await workCopy('hostile', dir.path), hostileArchive('into-hostile.tar')];
    execFileSync('tar', ['--append', '-f', bad, '-C', join(REPO, 'test/e2e/backup'), 'manifest.py']);
    const dry = await session(img, [`restore host:${bad} --to /root --dry-run`]);
    expect(dry.code, dry.stderr).toBe(0);
    expect(dry.stdout).toContain('  l: symlink to /, outside /root');
    expect(dry.stdout).toContain('  h: hard link to an absolute path (/etc/shadow)');
    const viaLink = await session(img, [`restore host:${bad} --to /root/.ssh --dry-run`]);
    expect(viaLink.stdout).toContain('into /tmp'); // the guest's /tmp: /root/.ssh -> /tmp resolved inside the guest
    const r = await session(img, [`restore host:${bad} --to /root`]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("no such program in the guest: 'tar'");
    for (const p of ['/tmp/guestctl-backup-abs', '/tmp/guestctl-backup-evil', '/root/ok', '/root/manifest.py']) expect(existsSync(p)).toBe(false);
  }, 300_000);
});
