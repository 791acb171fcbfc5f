import { execFileSync } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readdirSync, readSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { leftovers, tempDir } from '../helpers/cli.js';
import { layoutsInfo, passphraseFile } from '../helpers/layouts.js';
import { fixturePath, type LayoutImage } from '../helpers/fixtures.js';

// The "layouts" fixture (scripts/fixtures/layouts.sh) checked from outside guestctl, with
// the standard tools, against what its fixture.json promises: partition tables (sfdisk),
// filesystems at their offsets (blkid -p -O), LVM (lvs/pvs with a private config reading
// the PV on a read-only loop device), LUKS (cryptsetup luksDump, --test-passphrase,
// qemu-img's luks driver), md RAID (mdadm --examine), btrfs (dump-super, dump-tree,
// restore), and guest files (debugfs, btrfs restore). Nothing is mounted.

interface Partition { device: string; start: number; size: number; content: string | null }
interface Disk { file: string; fixture: LayoutImage; virtualSize: number; device: string; partitionTable: 'dos' | 'gpt' | null; partitions: Partition[] }
interface Filesystem { device: string; fstype: string; uuid: string; label: string; subvol?: string }
interface Vg { pv: string; pvUuid: string; name: string; extentSize: number; peStart: number; lvs: Record<string, [number, number][]> }
interface Luks { device: string; version: 1 | 2; uuid: string; name: string; passphrase: string; content: string | null }
interface Raid { device: string; level: string; metadata: '1.2' | '0.90'; uuid: string; name: string | null; members: string[]; dataOffset: number; dataSize: number }
interface Machine {
  disks: Disk[];
  distro: { id: string; versionId: string; name: string; minor: string };
  hostname: string;
  mounts: Record<string, string>;
  filesystems: Filesystem[];
  files: Record<string, string>;
  fstab: string;
  lvm?: Vg[];
  luks?: Luks[];
  raid?: Raid[];
  btrfs?: { device: string; subvolumes: string[]; defaultSubvolume: number };
  unmountable?: { device: string; reason: string }[];
}

const dir = tempDir('guestctl-layouts-');
const info = layoutsInfo<Machine>();
const keyFile = passphraseFile(dir.path, info.passphrase);

afterAll(() => {
  expect(leftovers(dir.path)).toEqual([]);
  dir.cleanup();
});

const run = (cmd: string, args: string[], env?: NodeJS.ProcessEnv): string =>
  execFileSync(cmd, args, { encoding: 'utf8', env: env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 64 << 20 });

/** A piece of a device's bytes: a file and a byte range in it. */
interface Place { file: string; offset: number; size: number }

const rawCache = new Map<string, string>();
function rawOf(image: LayoutImage): string {
  let raw = rawCache.get(image);
  if (raw === undefined) {
    raw = join(dir.path, `${image}.raw`);
    run('qemu-img', ['convert', '-f', 'qcow2', '-O', 'raw', fixturePath(image), raw]);
    rawCache.set(image, raw);
  }
  return raw;
}

let sliceCount = 0;
/** The bytes of a place as a file of their own. */
function sliceOf(p: Place): string {
  const out = join(dir.path, `slice-${++sliceCount}.img`);
  run('dd', [`if=${p.file}`, `of=${out}`, 'bs=1M', 'iflag=skip_bytes,count_bytes', `skip=${p.offset}`, `count=${p.size}`, 'conv=sparse', 'status=none']);
  return out;
}

const decrypted = new Map<string, string>();
/** The plain payload of a LUKS1 volume, decrypted by qemu-img's userspace luks driver. */
function decryptLuks1(p: Place): string {
  const key = `${p.file}@${p.offset}`;
  let plain = decrypted.get(key);
  if (plain === undefined) {
    const enc = sliceOf(p);
    plain = `${enc}.plain`;
    run('qemu-img', ['convert', '--object', `secret,id=sec0,file=${keyFile}`, '--image-opts',
      `driver=luks,key-secret=sec0,file.filename=${enc}`, '-O', 'raw', plain]);
    decrypted.set(key, plain);
  }
  return plain;
}

/** Where a guest device name's bytes are, following fixture.json (partitions, LVs, LUKS1, md). */
function locate(m: Machine, device: string): Place {
  for (const disk of m.disks) {
    if (disk.device === device) return { file: rawOf(disk.fixture), offset: 0, size: disk.virtualSize };
    const part = disk.partitions.find((p) => p.device === device);
    if (part) return { file: rawOf(disk.fixture), offset: part.start, size: part.size };
  }
  const luks = m.luks?.find((l) => `/dev/mapper/${l.name}` === device);
  if (luks?.version === 1) {
    const plain = decryptLuks1(locate(m, luks.device));
    return { file: plain, offset: 0, size: Number(run('stat', ['-c', '%s', plain]).trim()) };
  }
  const raid = m.raid?.find((r) => r.device === device);
  if (raid) {
    const member = locate(m, raid.members[0]!);
    return { file: member.file, offset: member.offset + raid.dataOffset, size: raid.dataSize };
  }
  const [, vgName, lvName] = /^\/dev\/([^/]+)\/([^/]+)$/.exec(device) ?? [];
  const vg = m.lvm?.find((v) => v.name === vgName);
  const segs = lvName === undefined ? undefined : vg?.lvs[lvName];
  if (vg && segs?.length === 1) {
    const pv = locate(m, vg.pv);
    const [first, count] = segs[0]!;
    return { file: pv.file, offset: pv.offset + vg.peStart + first * vg.extentSize, size: count * vg.extentSize };
  }
  throw new Error(`no place for ${device}`);
}

/** blkid's low-level probe of the bytes at a place. */
function probe(p: Place): Record<string, string> {
  const out = run('blkid', ['-p', '-O', String(p.offset), '-S', String(p.size), '-o', 'export', p.file]);
  return Object.fromEntries(out.trim().split('\n').map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]));
}

/**
 * `lvs`/`pvs` reading only the PV at a place, with a private LVM config. The PV copy is
 * attached blank (its label sectors zeroed) and the label is written back through a device
 * node of our own: the host's udev never sees an LVM label on the loop device, so a host with
 * device-mapper does not autoactivate the guest's VG (see lvm_begin in layouts-lib.sh).
 */
function withPrivateLvm<T>(p: Place, fn: (lvm: (args: string[]) => string) => T): T {
  const pvFile = sliceOf(p);
  const label = Buffer.alloc(LABEL_BYTES);
  const fd = openSync(pvFile, 'r+');
  readSync(fd, label, 0, LABEL_BYTES, 0);
  writeSync(fd, Buffer.alloc(LABEL_BYTES), 0, LABEL_BYTES, 0);
  closeSync(fd);
  const sys = join(dir.path, `lvm-${++sliceCount}`);
  mkdirSync(`${sys}/lock`, { recursive: true });
  mkdirSync(`${sys}/dev`);
  const loop = run('losetup', ['--find', '--show', pvFile]).trim();
  try {
    if (existsSync('/run/udev')) run('udevadm', ['settle']);
    const [major, minor] = run('stat', ['-c', '%t %T', loop]).trim().split(' ').map((h) => String(parseInt(h, 16)));
    const node = `${sys}/dev/pv`;
    run('mknod', [node, 'b', major!, minor!]);
    const nfd = openSync(node, 'r+');
    writeSync(nfd, label, 0, LABEL_BYTES, 0);
    closeSync(nfd);
    writeFileSync(`${sys}/lvm.conf`, [
      `devices { dir = "${sys}/dev" scan = [ "${sys}/dev" ] filter = [ "a|^${node}$|", "r|.*|" ]`,
      '  obtain_device_list_from_udev = 0 external_device_info_source = "none" use_devicesfile = 0 hints = "none" }',
      'activation { udev_sync = 0 udev_rules = 0 monitoring = 0 }',
      `global { activation = 0 use_lvmpolld = 0 locking_dir = "${sys}/lock" }`,
      'backup { backup = 0 archive = 0 }',
    ].join('\n'));
    const env = { ...process.env, LVM_SYSTEM_DIR: sys, LVM_SUPPRESS_FD_WARNINGS: '1' };
    return fn((args) => run(args[0]!, ['--readonly', ...args.slice(1)], env));
  } finally {
    run('losetup', ['-d', loop]);
  }
}
/** The LVM label lives in one of the first four sectors. */
const LABEL_BYTES = 4096;

/** A file of an ext4 filesystem, read with debugfs (no mount). */
function ext4Cat(fs: string, path: string): string {
  return run('debugfs', ['-R', `cat ${path}`, fs]);
}

const machines = Object.entries(info.machines);

describe('layouts fixture: disks and partition tables', () => {
  it.each(machines)('%s: every disk has the promised size, table and partitions', (_name, m) => {
    for (const disk of m.disks) {
      const img = JSON.parse(run('qemu-img', ['info', '--output=json', fixturePath(disk.fixture)]));
      expect(img.format).toBe('qcow2');
      expect(img['virtual-size']).toBe(disk.virtualSize);
      expect(disk.virtualSize).toBeGreaterThanOrEqual(64 << 20);
      expect(disk.virtualSize).toBeLessThanOrEqual(160 << 20);
      const raw = rawOf(disk.fixture);
      if (disk.partitionTable === null) {
        expect(probe({ file: raw, offset: 0, size: disk.virtualSize }).PTTYPE).toBeUndefined();
        continue;
      }
      const table = JSON.parse(run('sfdisk', ['--json', raw])).partitiontable;
      expect(table.label).toBe(disk.partitionTable);
      const found = table.partitions.map((p: { node: string; start: number; size: number }) => ({
        device: `${disk.device}${p.node.slice(raw.length)}`, start: p.start * 512, size: p.size * 512,
      }));
      expect(found).toEqual(disk.partitions.map(({ device, start, size }) => ({ device, start, size })));
      for (const part of disk.partitions) {
        if (part.content !== null) expect(probe({ file: raw, offset: part.start, size: part.size }).TYPE).toBe(part.content);
      }
    }
  });
});

describe('layouts fixture: filesystems, guest facts and files', () => {
  it.each(machines)('%s: each filesystem is where fixture.json says', (_name, m) => {
    for (const fs of m.filesystems) {
      if (m.unmountable?.some((u) => u.device === fs.device)) continue;
      const found = probe(locate(m, fs.device));
      expect({ type: found.TYPE, uuid: found.UUID, label: found.LABEL }).toEqual({ type: fs.fstype, uuid: fs.uuid, label: fs.label });
    }
    for (const dev of Object.values(m.mounts)) expect(m.filesystems.some((f) => f.device === dev)).toBe(true);
  });

  it.each(machines.filter(([, m]) => !m.btrfs && m.filesystems.find((f) => f.device === m.mounts['/'])?.fstype === 'ext4'))(
    '%s: root holds the hostname, os-release, fstab and files (debugfs)', (_name, m) => {
      const fsOf = new Map<string, string>();
      const fileOn = (mountpoint: string): string => {
        let fs = fsOf.get(mountpoint);
        if (fs === undefined) {
          fs = sliceOf(locate(m, m.mounts[mountpoint]!));
          fsOf.set(mountpoint, fs);
        }
        return fs;
      };
      const root = fileOn('/');
      expect(ext4Cat(root, '/etc/hostname')).toBe(`${m.hostname}\n`);
      expect(ext4Cat(root, '/etc/fstab')).toBe(`${m.fstab}\n`);
      const osRelease = ext4Cat(root, '/etc/os-release');
      expect(osRelease).toMatch(new RegExp(`^ID="?${m.distro.id}"?$`, 'm'));
      expect(osRelease).toMatch(new RegExp(`^VERSION_ID="?${m.distro.versionId.replace('.', '\\.')}"?$`, 'm'));
      for (const [path, content] of Object.entries(m.files)) {
        const mountpoint = Object.keys(m.mounts).filter((mp) => mp === '/' || path.startsWith(`${mp}/`)).sort((a, b) => b.length - a.length)[0]!;
        expect(ext4Cat(fileOn(mountpoint), mountpoint === '/' ? path : path.slice(mountpoint.length))).toBe(content);
      }
    });
});

describe('layouts fixture: LVM', () => {
  const withLvm = machines.filter(([, m]) => m.lvm !== undefined);
  it('covers the three LVM machines', () => expect(withLvm.map(([n]) => n).sort()).toEqual(['luks1-lvm', 'lvm-gpt-xfs', 'lvm-mbr']));

  it.each(withLvm)('%s: the VG read by lvs has the promised PV, LVs and segments', (_name, m) => {
    for (const vg of m.lvm!) {
      withPrivateLvm(locate(m, vg.pv), (lvm) => {
        const [pvUuid, peStart, vgName] = lvm(['pvs', '--noheadings', '--units', 'b', '--nosuffix', '-o', 'pv_uuid,pe_start,vg_name']).trim().split(/\s+/);
        expect(pvUuid!.replace(/-/g, '')).toBe(vg.pvUuid.replace(/-/g, ''));
        expect(Number(peStart)).toBe(vg.peStart);
        expect(vgName).toBe(vg.name);
        expect(Number(lvm(['vgs', '--noheadings', '--units', 'b', '--nosuffix', '-o', 'vg_extent_size', vg.name]).trim())).toBe(vg.extentSize);
        const segs: Record<string, [number, number][]> = {};
        for (const line of lvm(['lvs', '--noheadings', '--separator', ' ', '-o', 'lv_name,seg_pe_ranges,segtype', vg.name]).trim().split('\n')) {
          const [lv, ranges, segtype] = line.trim().split(' ');
          expect(segtype).toBe('linear');
          const [first, last] = ranges!.split(':')[1]!.split('-').map(Number);
          (segs[lv!] ??= []).push([first!, last! - first! + 1]);
        }
        expect(segs).toEqual(vg.lvs);
      });
    }
  });

  it('lvm-mbr: fstab names LVs as /dev/VG/LV and /dev/mapper/VG-LV with the dash doubled; scratch has two segments', () => {
    const m = info.machines['lvm-mbr']!;
    expect(m.fstab).toMatch(/^\/dev\/debian-vg\/root\s+\/\s/m);
    expect(m.fstab).toMatch(/^\/dev\/mapper\/debian--vg-var\s+\/var\s/m);
    expect(m.lvm![0]!.lvs.scratch).toHaveLength(2);
    expect(m.unmountable).toEqual([{ device: '/dev/debian-vg/scratch', reason: expect.stringContaining('device-mapper') }]);
  });

  it('leaves no trace of the guest VGs in the host LVM', () => {
    expect(run('lvm', ['vgs', '--config', 'devices { hints = "none" }', '--noheadings', '-o', 'vg_name'])).not.toMatch(/debian-vg|ubuntu-vg|\brhel\b/);
    for (const d of ['/etc/lvm/backup', '/etc/lvm/archive']) {
      if (existsSync(d)) expect(readdirSync(d).filter((f) => /debian-vg|ubuntu-vg|rhel/.test(f))).toEqual([]);
    }
  });
});

describe('layouts fixture: LUKS', () => {
  it.each(machines.filter(([, m]) => m.luks !== undefined))('%s: luksDump shows the version and UUID, and the passphrase opens a keyslot', (_name, m) => {
    for (const luks of m.luks!) {
      const volume = sliceOf(locate(m, luks.device));
      const dump = run('cryptsetup', ['luksDump', volume]);
      expect(dump).toMatch(new RegExp(`^Version:\\s+${luks.version}$`, 'm'));
      expect(dump).toMatch(new RegExp(`^UUID:\\s+${luks.uuid}$`, 'm'));
      run('cryptsetup', ['open', '--test-passphrase', '--key-file', keyFile, volume]);
      if (luks.version === 1) {
        expect(probe(locate(m, `/dev/mapper/${luks.name}`)).TYPE).toBe(luks.content);
      }
      const crypttab = m.files['/etc/crypttab'];
      expect(crypttab).toBe(`${luks.name} UUID=${luks.uuid} none luks\n`);
    }
  });
});

describe.each(machines.filter(([, m]) => m.raid !== undefined))('layouts fixture: md RAID1 %s', (_name, m) => {
  const raid = m.raid![0]!;
  const words = raid.uuid.replace(/-/g, '').replace(/(.{8})(?!$)/g, '$1:');

  it.each(raid.members.map((dev, i) => [dev, i] as const))('%s: mdadm --examine accepts the superblock', (dev, i) => {
    const out = run('mdadm', ['--examine', sliceOf(locate(m, dev))]);
    expect(out).toMatch(/^\s+Checksum : [0-9a-f]+ - correct$/m);
    expect(out).toMatch(/^\s+Raid Level : raid1$/m);
    expect(out).toMatch(/^\s+Raid Devices : 2$/m);
    if (raid.metadata === '1.2') {
      expect(out).toMatch(/^\s+Version : 1\.2$/m);
      expect(out).toMatch(/^\s+Array State : AA /m);
      expect(out).toMatch(new RegExp(`^\\s+Array UUID : ${words}$`, 'm'));
      expect(out).toMatch(new RegExp(`^\\s+Name : ${raid.name}$`, 'm'));
      expect(out).toMatch(new RegExp(`^\\s+Data Offset : ${raid.dataOffset / 512} sectors$`, 'm'));
      expect(out).toMatch(new RegExp(`^\\s+Device Role : Active device ${i}$`, 'm'));
    } else {
      expect(out).toMatch(/^\s+Version : 0\.90\.00$/m);
      expect(out).toMatch(/^\s+State : clean$/m);
      expect(out).toMatch(/^\s+Active Devices : 2$/m);
      expect(out).toMatch(new RegExp(`^\\s+UUID : ${words}$`, 'm'));
      expect(out).toMatch(new RegExp(`^\\s+Used Dev Size : ${raid.dataSize / 1024} `, 'm'));
      expect(out).toMatch(new RegExp(`^this\\s+${i}\\s+8\\s+\\d+\\s+${i}\\s+active sync$`, 'm'));
    }
  });

  it('both members carry the same filesystem in their data area', () => {
    const sums = raid.members.map((dev) => {
      const member = locate(m, dev);
      return run('sha256sum', [sliceOf({ ...member, offset: member.offset + raid.dataOffset, size: raid.dataSize })]).split(' ')[0];
    });
    expect(sums[0]).toBe(sums[1]);
  });
});

describe('layouts fixture: btrfs', () => {
  const m = info.machines.btrfs!;
  const btrfs = m.btrfs!;

  it('dump-super, the root tree and the files of @ and @home', () => {
    const fs = sliceOf(locate(m, btrfs.device));
    const uuid = m.filesystems.find((f) => f.device === btrfs.device)!.uuid;
    expect(run('btrfs', ['inspect-internal', 'dump-super', fs])).toMatch(new RegExp(`^fsid\\s+${uuid}$`, 'm'));
    const tree = run('btrfs', ['inspect-internal', 'dump-tree', '-t', 'root', fs]);
    const ids = new Map([...tree.matchAll(/key \(FS_TREE ROOT_REF (\d+)\)[^\n]*\n\s+root ref key dirid 256 sequence \d+ name (\S+)/g)].map((r) => [r[2]!, r[1]!]));
    expect([...ids.keys()].sort()).toEqual(btrfs.subvolumes);
    // the "default" entry points at FS_TREE (5): the top level, as Ubuntu leaves it
    expect(tree).toMatch(/location key \(FS_TREE ROOT_ITEM \d+\) type DIR\n.*\n\s+name: default/);
    expect(btrfs.defaultSubvolume).toBe(5);

    const restore = (subvol: string, path: string): string => {
      const out = join(dir.path, `restore-${++sliceCount}`);
      mkdirSync(out);
      const parts = path.split('/').filter(Boolean);
      const regex = `^/(${parts.map((_, i) => parts.slice(0, i + 1).join('/')).reduce((acc, p) => `${acc}|${p}`, '')})$`;
      run('btrfs', ['restore', '-r', ids.get(subvol)!, '--path-regex', regex, fs, out]);
      return run('cat', [join(out, path)]);
    };
    expect(restore('@', '/etc/hostname')).toBe(`${m.hostname}\n`);
    expect(restore('@', '/etc/fstab')).toBe(`${m.fstab}\n`);
    expect(restore('@', '/etc/os-release')).toMatch(/^VERSION_ID="24\.04"$/m);
    expect(restore('@home', '/alice/hello.txt')).toBe(m.files['/home/alice/hello.txt']);
    expect(m.fstab).toMatch(new RegExp(`^UUID=${uuid}\\s+/\\s+btrfs\\s+defaults,subvol=@\\s`, 'm'));
    expect(m.fstab).toMatch(new RegExp(`^UUID=${uuid}\\s+/home\\s+btrfs\\s+defaults,subvol=@home\\s`, 'm'));
  });
});
