import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { guestctl, leftovers, tempDir } from '../helpers/cli.js';
import { layoutsInfo, passphraseFile } from '../helpers/layouts.js';
import { workCopy, type LayoutImage } from '../helpers/fixtures.js';

// The images people really have (the "layouts" fixture: LVM, LUKS, btrfs subvolumes, md RAID1,
// several disks, logical partitions, whole-disk xfs), each opened by guestctl as the machine
// it is: `info --json` finds the distribution, point release and hostname, every fstab entry
// is mounted from the right volume, a write survives reopening in a new process, an open and
// close without a change leaves every disk byte-identical, and nothing is left behind.

interface Machine {
  disks: { file: string; fixture: LayoutImage }[];
  distro: { id: string; versionId: string; minor: string };
  hostname: string;
  mounts: Record<string, string>;
  raid?: unknown[];
}

const dir = tempDir('guestctl-layouts-open-');
const info = layoutsInfo<Machine>();
const keyFile = passphraseFile(dir.path, info.passphrase);

afterAll(() => {
  expect(leftovers(dir.path)).toEqual([]);
  dir.cleanup();
});

const sha = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');

async function copies(machine: Machine): Promise<string[]> {
  const out: string[] = [];
  for (const d of machine.disks) out.push(await workCopy(d.fixture, join(dir.path, d.fixture)));
  return out;
}

const open = (disks: string[], commands: string[], extra: string[] = []) =>
  guestctl(['interactive', '--key', `all:file:${keyFile}`, ...extra, ...disks, ...commands.flatMap((c) => ['-c', c])], { timeoutMs: 180_000 });

const machines = Object.entries(info.machines).filter(([name]) => name !== 'luks2');

describe.each(machines)('%s', (name, machine) => {
  it('is identified and mounted as its fstab says; an open and close without a change leaves its disks byte-identical', async () => {
    const disks = await copies(machine);
    const before = disks.map(sha);
    const r = await open(disks, ['info'], ['--json']);
    expect(r.code, r.stderr).toBe(0);
    const facts = JSON.parse(r.stdout) as { distro: string; version: string; hostname: string; mounts: { device: string; mountpoint: string }[] };
    expect({ distro: facts.distro, version: facts.version, hostname: facts.hostname }).toEqual({
      distro: machine.distro.id,
      version: machine.distro.minor,
      hostname: machine.hostname,
    });
    expect(Object.fromEntries(facts.mounts.map((m) => [m.mountpoint, m.device]))).toEqual(machine.mounts);
    expect(disks.map(sha)).toEqual(before);
    expect(leftovers(dir.path)).toEqual([]);
  });

  it(machine.raid ? 'is opened read-only (one half of a mirror), even in a read-write session' : 'a write survives reopening in a new process', async () => {
    const disks = await copies(machine);
    const w = await open(disks, [`write /root/${name}.txt written-by-guestctl`]);
    if (machine.raid) {
      expect(w.code).not.toBe(0);
      expect(w.stderr).toMatch(/read-only|Read-only/);
      return;
    }
    expect(w.code, w.stderr).toBe(0);
    const r = await open(disks, [`cat /root/${name}.txt`], ['--ro']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe('written-by-guestctl');
  });
});

describe('LUKS2 on a host without dm-crypt', () => {
  it('the root opens, and the LUKS2 volume is named with the reason it stays closed', async () => {
    const disks = await copies(info.machines.luks2!);
    const r = await open(disks, ['info'], ['--json', '--ro']);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ distro: 'debian', hostname: 'luks2' });
    expect(r.stderr).toMatch(/LUKS2 volume \/dev\/sda2 needs dm-crypt \(device-mapper\)/);
  });
});
