import { execFileSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, writeSync, ftruncateSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lvmCrc } from '../../src/lvm/crc.js';
import { parsePvLabel } from '../../src/lvm/pv-label.js';
import { lvmLayer } from '../../src/image/layers/lvm.js';
import { createDmDevice, dmCreateArgs, mapperName, sessionDmName } from '../../src/image/layers/lvm-dm.js';
import { hasDeviceMapper } from '../../src/image/device-mapper.js';
import { validLvmName } from '../../src/image/layers/lvm-checks.js';
import type { LayerContext } from '../../src/image/layers/index.js';
import { findVolume } from '../../src/image/volumes.js';
import type { Volume } from '../../src/image/volumes.js';
import { readStateFile, writeStateFile } from '../../src/resources/state-file.js';
import type { Resource } from '../../src/resources/resource.js';

// The LVM layer on synthetic PVs: real metadata texts (samples/lvm) packed the way lvm2 lays a PV
// out (label in sector 1, metadata area header at 4 KiB, text after it, checksums), inside sparse
// files, and hostile variants of them. GUESTCTL_NO_DM=1: the device-mapper path is tested apart,
// with a fake runner (this host's kernel has no dm-mod).

const MiB = 1024 * 1024;
const MDA_AT = 4096;
const MDA_SIZE = MiB - MDA_AT;
const dir = mkdtempSync(join(tmpdir(), 'lvm-layer-'));
const sample = (name: string): string => readFileSync(new URL(`samples/lvm/${name}`, import.meta.url), 'utf8');

beforeAll(() => {
  process.env.GUESTCTL_NO_DM = '1';
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface PvSpec {
  uuid: string;
  text: string;
  /** Bytes of the PV (the file is sparse). */
  size: number;
  /** Where the PV starts in its file (a partition's offset). */
  at?: number;
  mda?: { offset: number; size: number };
  corruptLabel?: boolean;
}

let files = 0;
function pvFile(spec: PvSpec): string {
  const path = join(dir, `pv${files++}.img`);
  const at = spec.at ?? 0;
  const label = Buffer.alloc(512);
  label.write('LABELONE', 0, 'latin1');
  label.writeBigUInt64LE(1n, 8);
  label.writeUInt32LE(32, 20);
  label.write('LVM2 001', 24, 'latin1');
  label.write(spec.uuid.replace(/-/g, ''), 32, 'latin1');
  label.writeBigUInt64LE(BigInt(spec.size), 64);
  label.writeBigUInt64LE(BigInt(MiB), 72); // data area at pe_start, size 0
  const mda = spec.mda ?? { offset: MDA_AT, size: MDA_SIZE };
  label.writeBigUInt64LE(BigInt(mda.offset), 104);
  label.writeBigUInt64LE(BigInt(mda.size), 112);
  label.writeUInt32LE(2, 136); // pv_header extension version 2, PV_EXT_USED
  label.writeUInt32LE(1, 140);
  label.writeUInt32LE(lvmCrc(label.subarray(20)), 16);
  if (spec.corruptLabel) label[200] = 0xff;
  const text = Buffer.from(`${spec.text}\0`);
  const header = Buffer.alloc(512);
  header.write(' LVM2 x[5A%r0N*>', 4, 'latin1');
  header.writeUInt32LE(1, 20);
  header.writeBigUInt64LE(BigInt(MDA_AT), 24);
  header.writeBigUInt64LE(BigInt(MDA_SIZE), 32);
  header.writeBigUInt64LE(512n, 40);
  header.writeBigUInt64LE(BigInt(text.length), 48);
  header.writeUInt32LE(lvmCrc(text), 56);
  header.writeUInt32LE(lvmCrc(header.subarray(4)), 0);
  const fd = openSync(path, 'w');
  try {
    ftruncateSync(fd, at + spec.size);
    writeSync(fd, label, 0, 512, at + 512);
    writeSync(fd, header, 0, 512, at + MDA_AT);
    writeSync(fd, text, 0, text.length, at + MDA_AT + 512);
  } finally {
    closeSync(fd);
  }
  return path;
}

function pvVolume(device: string, path: string, spec: PvSpec, disk = 0): Volume {
  return {
    device,
    disk,
    layer: 'partition',
    source: path,
    partition: Number(device.slice(-1)),
    offset: spec.at ?? 0,
    size: spec.size,
    fstype: 'LVM2_member',
    uuid: spec.uuid,
    label: null,
    partuuid: null,
    partlabel: null,
    partType: null,
    usage: 'raid',
  };
}

async function expand(vols: Volume[]): Promise<{ made: Volume[]; used: Volume[]; notes: string[] }> {
  const notes: string[] = [];
  const pushed: Resource[] = [];
  const ctx: LayerContext = {
    readOnly: true,
    workDir: dir,
    stack: { push: async (r: Resource) => void pushed.push(r) } as unknown as LayerContext['stack'],
    note: (t) => notes.push(t),
  };
  const r = await lvmLayer.expand(vols, vols, ctx);
  expect(pushed).toEqual([]); // nothing attached on this host: linear LVs are plain byte ranges
  return { ...r, notes };
}

function byDevice(vols: Volume[]): Record<string, Volume> {
  return Object.fromEntries(vols.map((v) => [v.device, v]));
}

// A small VG of our own so a real filesystem fits: extents of 1 MiB.
const TINY_PV = 'Tiny00-aaaa-bbbb-cccc-dddd-eeee-ffffff';
function tinyText(opts: { seqno?: number; vg?: string; lvs?: string } = {}): string {
  const lv = (name: string, start: number, count: number, pvStart: number) => `
    ${name} {
      id = "lv${name.padEnd(4, '0').slice(0, 4)}-0000-0000-0000-0000-0000-000000"
      status = ["READ", "WRITE", "VISIBLE"]
      segment_count = 1
      segment1 { start_extent = ${start} extent_count = ${count} type = "striped" stripe_count = 1 stripes = ["pv0", ${pvStart}] }
    }`;
  return `${opts.vg ?? 'debian-vg'} {
  id = "VGtiny-0000-1111-2222-3333-4444-555555"
  seqno = ${opts.seqno ?? 3}
  status = ["RESIZEABLE", "READ", "WRITE"]
  extent_size = 2048
  physical_volumes { pv0 { id = "${TINY_PV}" device = "/dev/vda2" status = ["ALLOCATABLE"] dev_size = 40960 pe_start = 2048 pe_count = 18 } }
  logical_volumes {${opts.lvs ?? lv('root', 0, 8, 2) + lv('var', 0, 4, 10)}
  }
}
`;
}

describe('LVM layer on real metadata', () => {
  it('a linear LV is a byte range of its PV: /dev/VG/LV, /dev/mapper alias, parent, disk, probed filesystem', async () => {
    const spec: PvSpec = { uuid: TINY_PV, text: tinyText(), size: 20 * MiB, at: 3 * MiB };
    const path = pvFile(spec);
    const fs = join(dir, 'root.ext4');
    execFileSync('mkfs.ext4', ['-q', '-F', '-L', 'rootfs', '-U', '0f1e2d3c-0000-4000-8000-00000000abcd', fs, '8M']);
    execFileSync('dd', [`if=${fs}`, `of=${path}`, 'bs=1M', `seek=${3 + 1 + 2}`, 'conv=notrunc', 'status=none']);
    const pv = pvVolume('/dev/sdb2', path, spec, 1);
    const { made, used, notes } = await expand([pv]);
    expect(used).toEqual([pv]);
    expect(notes).toEqual([]);
    expect(pv.note).toBe('LVM physical volume of VG debian-vg');
    const root = byDevice(made)['/dev/debian-vg/root']!;
    expect(root).toMatchObject({
      aliases: ['/dev/mapper/debian--vg-root'],
      layer: 'lv',
      parent: '/dev/sdb2',
      disk: 1,
      source: path,
      offset: 3 * MiB + MiB + 2 * MiB,
      size: 8 * MiB,
      fstype: 'ext4',
      label: 'rootfs',
      uuid: '0f1e2d3c-0000-4000-8000-00000000abcd',
    });
    expect(root.unusable).toBeUndefined();
    expect(byDevice(made)['/dev/debian-vg/var']).toMatchObject({ offset: 3 * MiB + MiB + 10 * MiB, size: 4 * MiB, fstype: null });

    // fstab's ways of naming it all resolve to the LV, never to the PV's partition.
    const all = [pv, ...made];
    for (const spec of [
      { kind: 'device', value: '/dev/debian-vg/root' },
      { kind: 'device', value: '/dev/mapper/debian--vg-root' },
      { kind: 'uuid', value: '0F1E2D3C-0000-4000-8000-00000000ABCD' },
      { kind: 'label', value: 'rootfs' },
    ])
      expect(findVolume(all, spec)?.device, spec.value).toBe('/dev/debian-vg/root');
    expect(findVolume(all, { kind: 'device', value: '/dev/mapper/debian-vg-root' })).toBeUndefined();
  });

  it('reads the pv_header extension (version 2, in use) after the metadata area list', () => {
    const path = pvFile({ uuid: TINY_PV, text: tinyText(), size: 20 * MiB });
    expect(parsePvLabel(readFileSync(path).subarray(0, 2048)).extension).toEqual({ version: 2, inUse: true });
  });

  it('Debian 7 vgcfgbackup metadata: one linear LV over the whole PV', async () => {
    const spec: PvSpec = { uuid: 'JIrYxo-FzX5-5oMa-qwO7-SPnQ-noZ2-K4WEY5', text: sample('debian7-vgcfgbackup.vg'), size: 10485760 * 512 };
    const { made } = await expand([pvVolume('/dev/sda1', pvFile(spec), spec)]);
    expect(made.map((v) => [v.device, v.offset, v.size, v.unusable])).toEqual([['/dev/test/lv', MiB, 1279 * 4 * MiB, undefined]]);
  });

  it('RHEL layout: root linear, home with 2 segments refused without dm, snapshot listed not mounted, hidden COW not listed', async () => {
    const spec: PvSpec = { uuid: 'xW1m3K-Lq8n-Z0aB-cD4e-Fg5H-iJ6k-Lm7NoP', text: sample('constructed-rhel9-root-swap-home-snapshot.vg'), size: 41938944 * 512 };
    const { made } = await expand([pvVolume('/dev/sda2', pvFile(spec), spec)]);
    const v = byDevice(made);
    expect(Object.keys(v).sort()).toEqual(['/dev/rhel/home', '/dev/rhel/root', '/dev/rhel/snap', '/dev/rhel/swap']);
    expect(v['/dev/rhel/root']!.unusable).toBeUndefined();
    expect(v['/dev/rhel/home']!.unusable).toBe("LV rhel/home has 2 segments: opening it needs device-mapper (dm-mod), which this host's kernel lacks");
    expect(v['/dev/rhel/home']!.size).toBe(512 * 4 * MiB);
    expect(v['/dev/rhel/snap']).toMatchObject({ note: 'snapshot of rhel/root: listed, not mounted', unusable: 'snapshot of rhel/root: listed, not mounted' });
  });

  it('striped, thin, raid LVs over two PVs: each refused with its reason, internal LVs not listed', async () => {
    const text = sample('constructed-striped-and-thin.vg');
    const a: PvSpec = { uuid: 'PV0aaa-aaaa-aaaa-aaaa-aaaa-aaaa-aaaaaa', text, size: 20971520 * 512 };
    const b: PvSpec = { uuid: 'PV1bbb-bbbb-bbbb-bbbb-bbbb-bbbb-bbbbbb', text, size: 20971520 * 512 };
    const { made } = await expand([pvVolume('/dev/sda2', pvFile(a), a), pvVolume('/dev/sdb1', pvFile(b), b, 1)]);
    const why = Object.fromEntries(made.map((v) => [v.device, v.unusable]));
    expect(why).toEqual({
      '/dev/data_vg/fast': "LV data_vg/fast is striped over 2 PVs: opening it needs device-mapper (dm-mod), which this host's kernel lacks",
      '/dev/data_vg/pool': 'LV data_vg/pool is a thin pool LV (thin-pool): not supported yet',
      '/dev/data_vg/thin1': 'LV data_vg/thin1 is a thin LV (thin): not supported yet',
      '/dev/data_vg/mirror': 'LV data_vg/mirror is a raid LV (raid1): not supported yet',
    });
  });

  it('a VG spanning two disks with one absent: LVs on the missing PV say so', async () => {
    const text = sample('constructed-striped-and-thin.vg');
    const a: PvSpec = { uuid: 'PV0aaa-aaaa-aaaa-aaaa-aaaa-aaaa-aaaaaa', text, size: 20971520 * 512 };
    const { made, notes } = await expand([pvVolume('/dev/sda2', pvFile(a), a)]);
    expect(byDevice(made)['/dev/data_vg/fast']!.unusable).toBe('PV PV1bbb-bbbb-bbbb-bbbb-bbbb-bbbb-bbbbbb (pv1 of VG data_vg) is missing: LV data_vg/fast is on it');
    expect(notes).toEqual(['LVM: PV PV1bbb-bbbb-bbbb-bbbb-bbbb-bbbb-bbbbbb of VG data_vg is missing (last seen as /dev/vdc)']);
  });

  it('the metadata with the highest seqno wins across the PVs of a VG', async () => {
    const two = (pvStart: number) => `
      pv0 { id = "${TINY_PV}" pe_start = 2048 pe_count = 18 }
      pv1 { id = "Tiny11-aaaa-bbbb-cccc-dddd-eeee-ffffff" pe_start = 2048 pe_count = 18 }`;
    const text = (seqno: number, lvs: string) =>
      `vg2 { id = "VGtwo0-0000-1111-2222-3333-4444-555555" seqno = ${seqno} extent_size = 2048 physical_volumes {${two(0)}} logical_volumes {${lvs}} }`;
    const lv = (name: string, pv: string) => `${name} { id = "x" status = ["VISIBLE"] segment1 { start_extent = 0 extent_count = 2 type = "striped" stripes = ["${pv}", 0] } }`;
    const a: PvSpec = { uuid: TINY_PV, text: text(7, lv('old', 'pv0')), size: 20 * MiB };
    const b: PvSpec = { uuid: 'Tiny11-aaaa-bbbb-cccc-dddd-eeee-ffffff', text: text(8, lv('new', 'pv1')), size: 20 * MiB };
    const { made } = await expand([pvVolume('/dev/sda1', pvFile(a), a), pvVolume('/dev/sdb1', pvFile(b), b, 1)]);
    expect(made.map((v) => [v.device, v.parent, v.disk])).toEqual([['/dev/vg2/new', '/dev/sdb1', 1]]);
  });
});

describe('LVM layer on hostile metadata', () => {
  const tiny = (text: string, extra: Partial<PvSpec> = {}): PvSpec => ({ uuid: TINY_PV, text, size: 20 * MiB, ...extra });
  const lv = (name: string, start: number, count: number, pvStart: number, pv = 'pv0') =>
    `${name} { id = "x" status = ["VISIBLE"] segment1 { start_extent = ${start} extent_count = ${count} type = "striped" stripes = ["${pv}", ${pvStart}] } }`;

  it('extents past the end of the PV volume', async () => {
    const spec = tiny(tinyText(), { size: 8 * MiB });
    const { made } = await expand([pvVolume('/dev/sda2', pvFile(spec), spec)]);
    expect(made[0]!.unusable).toBe(
      'PV pv0 (/dev/sda2) claims 18 extents from sector 2048, past the end of its 8388608-byte volume: LV debian-vg/root is on it',
    );
  });

  it('a stripe past the PV extent count, an unknown PV, an overflowing extent count', async () => {
    const spec = tiny(tinyText({ lvs: lv('far', 0, 4, 16) + lv('ghost', 0, 1, 0, 'pv9') }));
    const { made } = await expand([pvVolume('/dev/sda2', pvFile(spec), spec)]);
    const why = Object.fromEntries(made.map((v) => [v.device, v.unusable]));
    expect(why['/dev/debian-vg/far']).toBe('LV debian-vg/far: extents 16+4 run past the 18 extents of pv0');
    expect(why['/dev/debian-vg/ghost']).toBe('LV debian-vg/ghost lies on pv9, which is not a PV of VG debian-vg (damaged metadata)');
    const big = tiny(tinyText({ lvs: lv('huge', 0, 9007199254740991, 0) }));
    const r = await expand([pvVolume('/dev/sda2', pvFile(big), big)]);
    expect(r.made.map((v) => [v.device, v.size, v.unusable])).toEqual([
      ['/dev/debian-vg/huge', 0, 'LV debian-vg/huge: its 9007199254740991 extents overflow any real size (damaged metadata)'],
    ]);
  });

  it('two LVs claiming the same extents are both refused', async () => {
    const spec = tiny(tinyText({ lvs: lv('a', 0, 4, 0) + lv('b', 0, 4, 2) + lv('c', 0, 2, 6) }));
    const { made } = await expand([pvVolume('/dev/sda2', pvFile(spec), spec)]);
    const why = Object.fromEntries(made.map((v) => [v.device, v.unusable]));
    expect(why['/dev/debian-vg/a']).toMatch(/claim the same extents of pv0/);
    expect(why['/dev/debian-vg/b']).toMatch(/claim the same extents of pv0/);
    expect(why['/dev/debian-vg/c']).toBeUndefined();
  });

  it('VG and LV names LVM would refuse are not listed', async () => {
    const spec = tiny(tinyText({ vg: '..' }));
    const r = await expand([pvVolume('/dev/sda2', pvFile(spec), spec)]);
    expect(r.made).toEqual([]);
    expect(r.notes).toEqual(['LVM: VG name ".." is not a valid LVM name: its LVs are not listed']);
    const spec2 = tiny(tinyText({ lvs: lv('-x', 0, 1, 0) + lv('ok', 0, 1, 1) }));
    const r2 = await expand([pvVolume('/dev/sda2', pvFile(spec2), spec2)]);
    expect(r2.made.map((v) => v.device)).toEqual(['/dev/debian-vg/ok']);
    expect(r2.notes).toEqual(['LVM: LV name "-x" in VG debian-vg is not a valid LVM name: not listed']);
    for (const bad of ['a/b', '..', '.', 'a\nb', '-a', 'x'.repeat(128), '']) expect(validLvmName(bad), bad).toBe(false);
    for (const good of ['rhel', 'ubuntu-vg', 'a+b_c.d', 'lv-', 'x'.repeat(127)]) expect(validLvmName(good), good).toBe(true);
  });

  it('a metadata area outside the volume, or too big to read, or a bad label checksum: a note, no LVs', async () => {
    const outside = tiny(tinyText(), { mda: { offset: 30 * MiB, size: MiB } });
    const r = await expand([pvVolume('/dev/sda2', pvFile(outside), outside)]);
    expect(r.made).toEqual([]);
    expect(r.notes).toEqual([`/dev/sda2: LVM metadata unreadable: metadata area at ${30 * MiB}: bytes ${30 * MiB}+512 lie outside the ${20 * MiB}-byte volume`]);
    const huge = tiny(tinyText(), { mda: { offset: MDA_AT, size: 2 ** 40 } });
    expect((await expand([pvVolume('/dev/sda2', pvFile(huge), huge)])).notes[0]).toMatch(/size 1099511627776 is more than the 67108864 bytes read/);
    const corrupt = tiny(tinyText(), { corruptLabel: true });
    const pv = pvVolume('/dev/sda2', pvFile(corrupt), corrupt);
    const c = await expand([pv]);
    expect(c.made).toEqual([]);
    expect(pv.note).toMatch(/^LVM physical volume: PV label: checksum mismatch/);
  });

  it('the same PV UUID on two volumes (a cloned disk): the VG is not opened', async () => {
    const spec = tiny(tinyText());
    const r = await expand([pvVolume('/dev/sda2', pvFile(spec), spec), pvVolume('/dev/sdb2', pvFile(spec), spec, 1)]);
    expect(r.made).toEqual([]);
    expect(r.notes).toEqual([`LVM: PV ${TINY_PV} is on both /dev/sda2 and /dev/sdb2 (a cloned disk?): its VG is not opened`]);
  });
});

describe('device-mapper for LVs that need it (argv and names only: no dm-mod on this host)', () => {
  it('names: the guest udev /dev/mapper name, and our own unique sanitised dm name', () => {
    expect(mapperName('debian-vg', 'var')).toBe('debian--vg-var');
    expect(mapperName('rhel', 'root')).toBe('rhel-root');
    expect(sessionDmName('1a2b3c4d', 'ubuntu-vg', 'ubuntu-lv')).toBe('guestctl-1a2b3c4d-ubuntu-vg-ubuntu-lv');
    expect(sessionDmName('s', 'v g', 'l/v')).toBe('guestctl-s-v_g-l_v');
    expect(sessionDmName('s', 'v', 'x'.repeat(200)).length).toBe(127);
    expect(dmCreateArgs('guestctl-s-v-l', true)).toEqual(['create', '--readonly', 'guestctl-s-v-l']);
    expect(dmCreateArgs('guestctl-s-v-l', false)).toEqual(['create', 'guestctl-s-v-l']);
  });

  it('createDmDevice feeds the table on stdin, records the device for cleanup, and fails with the cause', async () => {
    const calls: { tool: string; args: string[]; input?: string }[] = [];
    const pushed: Resource[] = [];
    const run = async (tool: string, args: string[], options?: { input?: string }) => {
      calls.push({ tool, args, input: options?.input });
      return { code: 0, stdout: '', stderr: '' };
    };
    const table = '0 8192 linear /dev/loop3 2048\n8192 8192 linear /dev/loop4 2048\n';
    const dev = await createDmDevice('guestctl-s-v-l', table, true, { push: async (r) => void pushed.push(r) }, run);
    expect(dev).toBe('/dev/mapper/guestctl-s-v-l');
    expect(calls).toEqual([
      { tool: 'dmsetup', args: ['create', '--readonly', 'guestctl-s-v-l'], input: table },
      { tool: 'dmsetup', args: ['mknodes', 'guestctl-s-v-l'], input: undefined },
    ]);
    expect(pushed).toEqual([{ kind: 'dm', name: 'guestctl-s-v-l', tool: 'dmsetup' }]);
    const failing = async () => ({ code: 1, stdout: '', stderr: 'device-mapper: reload ioctl failed: Invalid argument\n' });
    await expect(createDmDevice('guestctl-x', table, false, { push: async () => {} }, failing)).rejects.toThrow(
      'dmsetup create guestctl-x: device-mapper: reload ioctl failed: Invalid argument',
    );
  });

  it('GUESTCTL_NO_DM=1 says no without running anything', async () => {
    const run = async () => {
      throw new Error('must not run');
    };
    expect(await hasDeviceMapper(run, { GUESTCTL_NO_DM: '1' })).toBe(false);
  });

  it('a dm resource survives the state file round trip (for guestctl cleanup)', async () => {
    const path = join(dir, 'session-1.json');
    await writeStateFile(path, { pid: 1, target: 'x', started: 'now', resources: [{ kind: 'dm', name: 'guestctl-s-v-l', tool: 'dmsetup' }] });
    expect((await readStateFile(path)).resources).toEqual([{ kind: 'dm', name: 'guestctl-s-v-l', tool: 'dmsetup' }]);
  });
});
