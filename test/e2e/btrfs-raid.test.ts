import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, readdirSync, readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { guestctl, leftovers, sessionEnv, tempDir } from '../helpers/cli.js';

// btrfs with the root on the @ subvolume and /home on @home, and md RAID1 over two disks, from the
// "layouts" fixture (scripts/fixtures/layouts.sh, cached by build-fixtures.sh).

const CACHE = '/var/cache/guestctl/fixtures';
const layouts = readdirSync(CACHE)
  .filter((d) => d.startsWith('layouts-') && existsSync(`${CACHE}/${d}/.complete`))
  .map((d) => `${CACHE}/${d}`)[0];
if (!layouts) throw new Error(`no complete layouts fixture in ${CACHE}: run scripts/build-fixtures.sh`);

const dir = tempDir('guestctl-btrfs-raid-');

afterAll(() => {
  expect(leftovers(dir.path)).toEqual([]);
  dir.cleanup();
});

function copy(name: string): string {
  const path = `${dir.path}/${name}`;
  copyFileSync(`${layouts}/${name}`, path);
  return path;
}

function interactive(disks: string[], commands: string[], extra: string[] = []) {
  return guestctl(['interactive', ...disks, ...extra, ...commands.flatMap((c) => ['-c', c])], { env: sessionEnv(disks[0]!) });
}

const sha = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');

describe('btrfs with @ and @home', () => {
  const image = copy('btrfs.qcow2');

  it('finds the OS on @, mounts /home from @home and lists the subvolumes', async () => {
    const r = await interactive([image], ['info'], ['--ro', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const info = JSON.parse(r.stdout);
    const f = await interactive([image], ['filesystems'], ['--ro', '--json']);
    expect(f.code, f.stderr).toBe(0);
    const filesystems = JSON.parse(f.stdout);
    expect(info).toMatchObject({ type: 'linux', distro: 'ubuntu', version: '24.04', hostname: 'btrfs-ubuntu' });
    const mounts = Object.fromEntries(info.mounts.map((m: { mountpoint: string; options: string }) => [m.mountpoint, m.options]));
    expect(mounts['/']).toMatch(/subvol=@(,|$)/);
    expect(mounts['/home']).toMatch(/subvol=@home/);
    expect(mounts['/']).toMatch(/rescue=nologreplay|(^|,)nologreplay/);
    expect(filesystems.find((f: { device: string }) => f.device === '/dev/sda2').note).toBe('subvolumes: @, @home');
  });

  it('keeps a write to / and to /home across sessions', async () => {
    const w = await interactive([image], ['run sh -c "echo on-home > /home/alice/new.txt && echo on-root > /etc/marker"']);
    expect(w.code, w.stderr).toBe(0);
    const r = await interactive([image], ['run cat /home/alice/new.txt /etc/marker /home/alice/hello.txt'], ['--ro']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe('on-home\non-root\nhello from btrfs\n');
  });
});

describe('md RAID1 over two disks', () => {
  for (const [meta, a, b, hostname] of [
    ['1.2', 'raid1-a.qcow2', 'raid1-b.qcow2', 'raid1'],
    ['0.90', 'raid1-090-a.qcow2', 'raid1-090-b.qcow2', 'raid1-090'],
  ] as const) {
    it(`opens a ${meta} mirror read-only through one member, even in a read-write session, and leaves both members untouched`, async () => {
      const disks = [copy(a), copy(b)];
      const before = disks.map(sha);
      const r = await interactive(disks, ['info', 'filesystems', 'run sh -c "echo x > /etc/should-fail"']);
      expect(r.code).not.toBe(0);
      expect(r.stderr).toMatch(/\/dev\/md0 is opened read-only: one member of a RAID1 mirror is used/);
      expect(r.stderr).toMatch(/Read-only file system/i);
      const info = await interactive(disks, ['info'], ['--json']);
      expect(info.code, info.stderr).toBe(0);
      const d = JSON.parse(info.stdout);
      expect(d).toMatchObject({ type: 'linux', distro: 'debian', version: '12.7', hostname });
      expect(d.mounts).toEqual([expect.objectContaining({ device: '/dev/md0', mountpoint: '/' })]);
      expect(disks.map(sha)).toEqual(before);
    });
  }
});
