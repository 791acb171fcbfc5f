import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { leftovers, shell, tempDir } from '../helpers/cli.js';
import { workCopy } from '../helpers/fixtures.js';

// The core commands (info, cd, pwd, ls, run, mount, umount, filesystems, mounts) against an
// image whose links point at host paths, and an fstab whose mount point escapes the guest.

const dir = tempDir('guestctl-hostile-core-');
const canary = '/tmp/guestctl-canary';
const hostOnly = `/tmp/guestctl-host-only-${process.pid}`;
let hostShadow: string;

beforeAll(() => {
  mkdirSync(canary, { recursive: true });
  writeFileSync(`${canary}/motd`, 'HOST MOTD CANARY\n');
  writeFileSync(`${canary}/issue`, 'HOST ISSUE CANARY\n');
  writeFileSync(hostOnly, 'host only\n');
  rmSync(`${canary}/created-by-guest`, { force: true });
  hostShadow = readFileSync('/etc/shadow', 'utf8');
});

afterAll(() => {
  expect(readFileSync(`${canary}/motd`, 'utf8')).toBe('HOST MOTD CANARY\n');
  expect(readFileSync(`${canary}/issue`, 'utf8')).toBe('HOST ISSUE CANARY\n');
  expect(existsSync(`${canary}/created-by-guest`)).toBe(false);
  expect(readFileSync('/etc/shadow', 'utf8')).toBe(hostShadow);
  rmSync(hostOnly, { force: true });
  expect(leftovers(dir.path)).toEqual([]);
  dir.cleanup();
});

const rootHash = () => hostShadow.split('\n').find((l) => l.startsWith('root:'))!.split(':')[1]!;

describe('core commands on the hostile image', () => {
  it('info reads the guest files the links lead to, never the host ones', async () => {
    const img = await workCopy('hostile', dir.path);
    const r = await shell(img, ['info'], ['--json']);
    expect(r.code).toBe(0);
    const info = JSON.parse(r.stdout);
    expect(info.hostname).toContain('GUEST-SHADOW');
    if (rootHash().length > 2) expect(r.stdout).not.toContain(rootHash());
  });

  it('cd, pwd and ls stay inside the guest through escaping links', async () => {
    const img = await workCopy('hostile', dir.path);
    const r = await shell(img, ['cd /root/escape', 'pwd', 'cd /home/evil', 'pwd', 'ls -a /root/.ssh', 'cd /root/escape/../../..', 'pwd']);
    expect(r.code, r.stderr).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines[0]).toBe('/');
    expect(lines[1]).toBe('/root');
    expect(r.stdout).not.toContain(hostOnly.slice(5));
    expect(lines[lines.length - 1]).toBe('/');
  });

  it('run sees the guest, not the host', async () => {
    const img = await workCopy('hostile', dir.path);
    const r = await shell(img, ['run cat /etc/hostname', `run ls ${hostOnly}`], ['--keep-going']);
    expect(r.stdout).toContain('GUEST-SHADOW');
    expect(r.stdout).not.toContain('host-only');
  });

  it('mount through a link to a host directory mounts inside the guest', async () => {
    const img = await workCopy('synthetic', dir.path);
    const r = await shell(img, ['symlink /tmp /mnt/hostlink', 'mount /dev/sda5 /mnt/hostlink', 'mounts', 'ls /tmp', 'umount /mnt/hostlink'], ['--json']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('"mountpoint": "/tmp"');
    expect(r.stdout).toContain('logical.txt');
    const hostTmp = execFileSync('findmnt', ['-rn', '-o', 'TARGET'], { encoding: 'utf8' }).split('\n');
    expect(hostTmp).not.toContain('/tmp');
  });

  it("an fstab mount point that escapes the guest is skipped, and nothing is mounted on the host", async () => {
    const img = await workCopy('synthetic', dir.path);
    const setup = await shell(img, [
      'symlink ../../../../../../../tmp/guestctl-canary /escape',
      'write /etc/fstab "LABEL=synthroot / ext4 defaults 0 1\\nLABEL=synthdata /escape/data ext4 defaults 0 2\\n"',
    ]);
    expect(setup.code, setup.stderr).toBe(0);
    const r = await shell(img, ['mounts'], ['--json']);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/mount point \/escape\/data does not exist in the guest/);
    expect(JSON.parse(r.stdout).map((m: any) => m.mountpoint)).toEqual(['/']);
    expect(execFileSync('findmnt', ['-rn', '-o', 'TARGET'], { encoding: 'utf8' })).not.toContain('guestctl-canary');
  });
});

describe('mount and umount', () => {
  it('mounts a partition that fstab does not list, shows it, and unmounts it', async () => {
    const img = await workCopy('synthetic', dir.path);
    const r = await shell(img, ['mount /dev/sda5 /mnt', 'cat /mnt/logical.txt', 'filesystems', 'umount /mnt', 'ls /mnt'], ['--json']);
    expect(r.code, r.stderr).toBe(0);
    const values = r.stdout.split(/\n(?=[[{"])/).map((v) => JSON.parse(v));
    expect(values[0]).toMatchObject({ device: '/dev/sda5', mountpoint: '/mnt', fstype: 'ext2' });
    expect(values[1].content).toMatch(/logical/);
    expect(values[2].find((f: any) => f.device === '/dev/sda5').mountpoint).toBe('/mnt');
    expect(values[4]).toEqual([]);
  });

  it('refuses what it cannot do, with a reason', async () => {
    const img = await workCopy('synthetic', dir.path);
    const cases: [string, RegExp][] = [
      ['mount /dev/sda9 /mnt', /no such device in this image: \/dev\/sda9/],
      ['mount /dev/sda1 /mnt', /already mounted/],
      ['mount /dev/sda5 /nonexistent', /not a directory|no such file/],
      ['umount /', /refusing to unmount the guest root/],
      ['umount /mnt', /nothing is mounted on \/mnt/],
    ];
    for (const [cmd, message] of cases) {
      const r = await shell(img, [cmd]);
      expect(r.code, cmd).toBe(1);
      expect(r.stderr, cmd).toMatch(message);
    }
    const ro = await shell(img, ['mount /dev/sda5 /mnt', 'write /mnt/x y'], ['--ro']);
    expect(ro.code).toBe(1);
    expect(ro.stderr).toMatch(/read-only/);
  });
});
