import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { crc32, formatGuid, parsePartitionTable, type Partition } from '../../src/parsers/partition-table.js';

// ------------------------------------------------------------------ byte builders

const SECTOR = 512;

function readerFor(buf: Buffer): (offset: number, length: number) => Buffer {
  return (offset, length) => buf.subarray(offset, offset + length);
}

interface MbrSlot {
  boot?: boolean;
  type: number;
  lba: number;
  sectors: number;
}

function writeMbrEntries(disk: Buffer, sectorOffset: number, slots: (MbrSlot | null)[], signature = true): void {
  const base = sectorOffset * SECTOR;
  slots.forEach((s, i) => {
    if (!s) return;
    const at = base + 446 + 16 * i;
    disk[at] = s.boot ? 0x80 : 0;
    disk[at + 4] = s.type;
    disk.writeUInt32LE(s.lba, at + 8);
    disk.writeUInt32LE(s.sectors, at + 12);
  });
  if (signature) {
    disk[base + 510] = 0x55;
    disk[base + 511] = 0xaa;
  }
}

/** Mixed-endian on-disk bytes of a textual GUID. */
function guidBytes(guid: string): Buffer {
  const h = guid.replace(/-/g, '');
  const b = Buffer.from(h, 'hex');
  const out = Buffer.from(b);
  out.writeUInt32LE(b.readUInt32BE(0), 0);
  out.writeUInt16LE(b.readUInt16BE(4), 4);
  out.writeUInt16LE(b.readUInt16BE(6), 6);
  return out;
}

interface GptSpec {
  type: string;
  uuid: string;
  first: number;
  last: number;
  name?: string;
  attrs?: bigint;
}

const DISK_GUID = '0b9e6c0a-5d0c-4a3e-9a6f-2f1e7c9d4b11';
const LINUX_FS = '0fc63daf-8483-4772-8e79-3d69d8477de4';
const EFI = 'c12a7328-f81f-11d2-ba4b-00a0c93ec93b';
const SWAP = '0657fd6d-a4ab-43c4-84e5-0933c84b4f4f';

function writeGptHeader(
  disk: Buffer,
  lba: number,
  alternate: number,
  entriesLba: number,
  entriesCrc: number,
  opts: { count?: number; entrySize?: number; lastUsable?: number } = {},
): void {
  const sectors = disk.length / SECTOR;
  const h = Buffer.alloc(SECTOR);
  h.write('EFI PART', 0, 'latin1');
  h.writeUInt32LE(0x00010000, 8);
  h.writeUInt32LE(92, 12);
  h.writeBigUInt64LE(BigInt(lba), 24);
  h.writeBigUInt64LE(BigInt(alternate), 32);
  h.writeBigUInt64LE(34n, 40);
  h.writeBigUInt64LE(BigInt(opts.lastUsable ?? sectors - 34), 48);
  guidBytes(DISK_GUID).copy(h, 56);
  h.writeBigUInt64LE(BigInt(entriesLba), 72);
  h.writeUInt32LE(opts.count ?? 128, 80);
  h.writeUInt32LE(opts.entrySize ?? 128, 84);
  h.writeUInt32LE(entriesCrc, 88);
  h.writeUInt32LE(crc32(h.subarray(0, 92)), 16);
  h.copy(disk, lba * SECTOR);
}

/** A complete GPT disk (protective MBR, primary and backup) of `sectors` sectors. */
function gptDisk(sectors: number, parts: (GptSpec | null)[]): Buffer {
  const disk = Buffer.alloc(sectors * SECTOR);
  writeMbrEntries(disk, 0, [{ type: 0xee, lba: 1, sectors: Math.min(sectors - 1, 0xffffffff) }]);
  const array = Buffer.alloc(128 * 128);
  parts.forEach((p, i) => {
    if (!p) return;
    const at = i * 128;
    guidBytes(p.type).copy(array, at);
    guidBytes(p.uuid).copy(array, at + 16);
    array.writeBigUInt64LE(BigInt(p.first), at + 32);
    array.writeBigUInt64LE(BigInt(p.last), at + 40);
    array.writeBigUInt64LE(p.attrs ?? 0n, at + 48);
    if (p.name) array.write(p.name, at + 56, 72, 'utf16le');
  });
  const crc = crc32(array);
  array.copy(disk, 2 * SECTOR);
  array.copy(disk, (sectors - 33) * SECTOR);
  writeGptHeader(disk, 1, sectors - 1, 2, crc);
  writeGptHeader(disk, sectors - 1, 1, sectors - 33, crc);
  return disk;
}

const MiB = 1024 * 1024;

// ------------------------------------------------------------------ helpers under test

describe('crc32 and GUIDs', () => {
  it('computes the standard check value', () => {
    expect(crc32(Buffer.from('123456789'))).toBe(0xcbf43926);
    expect(crc32(Buffer.alloc(0))).toBe(0);
  });
  it('renders mixed-endian GUIDs as Linux does', () => {
    expect(formatGuid(guidBytes(EFI))).toBe(EFI);
    // The EFI System type as it really sits on disk.
    const raw = Buffer.from('28732ac11ff8d211ba4b00a0c93ec93b', 'hex');
    expect(formatGuid(raw)).toBe('c12a7328-f81f-11d2-ba4b-00a0c93ec93b');
  });
});

// ------------------------------------------------------------------ MBR

describe('MBR', () => {
  it('reads primaries, the disk signature and PARTUUIDs', () => {
    const disk = Buffer.alloc(64 * MiB);
    disk.writeUInt32LE(0x0a1b2c3d, 440);
    writeMbrEntries(disk, 0, [
      { boot: true, type: 0x83, lba: 2048, sectors: 20480 },
      null,
      { type: 0x82, lba: 22528, sectors: 8192 },
      { type: 0x07, lba: 30720, sectors: 10240 },
    ]);
    const t = parsePartitionTable(readerFor(disk), disk.length);
    expect(t.type).toBe('mbr');
    expect(t.diskId).toBe('0a1b2c3d');
    expect(t.notes).toBeUndefined();
    expect(t.partitions).toEqual<Partition[]>([
      { index: 1, start: 2048 * 512, size: 20480 * 512, typeId: '83', typeName: 'Linux filesystem', uuid: '0a1b2c3d-01', name: null, bootable: true },
      { index: 3, start: 22528 * 512, size: 8192 * 512, typeId: '82', typeName: 'Linux swap', uuid: '0a1b2c3d-03', name: null, bootable: false },
      { index: 4, start: 30720 * 512, size: 10240 * 512, typeId: '07', typeName: 'HPFS/NTFS/exFAT', uuid: '0a1b2c3d-04', name: null, bootable: false },
    ]);
  });

  it('follows the EBR chain (logicals from 5, links relative to the extended start, hex PARTUUID)', () => {
    const disk = Buffer.alloc(64 * MiB);
    disk.writeUInt32LE(0xdeadbeef, 440);
    const ext = 10000;
    writeMbrEntries(disk, 0, [
      { type: 0x83, lba: 2048, sectors: 4096 },
      { type: 0x0f, lba: ext, sectors: 100000 },
    ]);
    // Seven logicals, 1000 sectors each, each EBR 1000 sectors after the previous one.
    for (let i = 0; i < 7; i++) {
      const ebr = ext + i * 2000;
      const next = i < 6 ? { type: 0x05, lba: (i + 1) * 2000, sectors: 2000 } : null;
      writeMbrEntries(disk, ebr, [{ type: 0x8e, lba: 63, sectors: 1000 }, next]);
    }
    const t = parsePartitionTable(readerFor(disk), disk.length);
    expect(t.partitions.map((p) => p.index)).toEqual([1, 2, 5, 6, 7, 8, 9, 10, 11]);
    const ext2 = t.partitions[1]!;
    expect(ext2.typeName).toBe('Extended');
    expect(ext2.typeId).toBe('0f');
    const l6 = t.partitions.find((p) => p.index === 6)!;
    expect(l6.start).toBe((ext + 2000 + 63) * 512);
    expect(l6.typeName).toBe('Linux LVM');
    expect(t.partitions.find((p) => p.index === 10)!.uuid).toBe('deadbeef-0a');
    expect(t.notes).toBeUndefined();
  });

  it('stops on an EBR chain that loops', () => {
    const disk = Buffer.alloc(8 * MiB);
    writeMbrEntries(disk, 0, [{ type: 0x05, lba: 2048, sectors: 8192 }]);
    // EBR 2048 → 2248 → 2448 → back to 2248 (links are relative to the extended start).
    writeMbrEntries(disk, 2048, [{ type: 0x83, lba: 1, sectors: 100 }, { type: 0x05, lba: 200, sectors: 200 }]);
    writeMbrEntries(disk, 2248, [{ type: 0x83, lba: 1, sectors: 100 }, { type: 0x05, lba: 400, sectors: 200 }]);
    writeMbrEntries(disk, 2448, [{ type: 0x83, lba: 1, sectors: 100 }, { type: 0x05, lba: 200, sectors: 200 }]);
    const t = parsePartitionTable(readerFor(disk), disk.length);
    expect(t.partitions.map((p) => p.index)).toEqual([1, 5, 6, 7]);
    expect(t.notes?.join('\n')).toMatch(/loops back to sector 2248/);
  });

  it('caps an absurdly long EBR chain', () => {
    const disk = Buffer.alloc(4 * MiB);
    const ext = 100;
    writeMbrEntries(disk, 0, [{ type: 0x85, lba: ext, sectors: 8000 }]);
    for (let i = 0; i < 300; i++)
      writeMbrEntries(disk, ext + i * 2, [{ type: 0x83, lba: 1, sectors: 1 }, { type: 0x05, lba: (i + 1) * 2, sectors: 2 }]);
    const t = parsePartitionTable(readerFor(disk), disk.length);
    expect(t.partitions.length).toBeLessThanOrEqual(1 + 256);
    expect(t.notes?.some((n) => /longer than 256/.test(n))).toBe(true);
  });

  it('clips a partition past the end of the disk and drops one that starts beyond it', () => {
    const disk = Buffer.alloc(1 * MiB); // 2048 sectors
    writeMbrEntries(disk, 0, [
      { type: 0x83, lba: 1024, sectors: 4096 },
      { type: 0x83, lba: 0xffffff00, sectors: 0xff },
    ]);
    const t = parsePartitionTable(readerFor(disk), disk.length);
    expect(t.partitions).toHaveLength(1);
    expect(t.partitions[0]!.size).toBe(1024 * 512);
    expect(t.partitions[0]!.note).toMatch(/clipped/);
    expect(t.notes).toHaveLength(2);
    expect(t.notes![1]).toMatch(/partition 2 starts at sector 4294967040, beyond the end/);
  });

  it('ignores an EBR link pointing outside the disk', () => {
    const disk = Buffer.alloc(1 * MiB);
    writeMbrEntries(disk, 0, [{ type: 0x05, lba: 100, sectors: 1000 }]);
    writeMbrEntries(disk, 100, [{ type: 0x83, lba: 1, sectors: 10 }, { type: 0x05, lba: 0xfffffff0, sectors: 10 }]);
    const t = parsePartitionTable(readerFor(disk), disk.length);
    expect(t.partitions.map((p) => p.index)).toEqual([1, 5]);
    expect(t.notes?.[0]).toMatch(/beyond the end of the disk: stopped/);
  });

  it('says "none" for a blank disk, a tiny one, or a whole-disk FAT boot sector', () => {
    expect(parsePartitionTable(readerFor(Buffer.alloc(MiB)), MiB)).toEqual({ type: 'none', diskId: null, partitions: [] });
    expect(parsePartitionTable(readerFor(Buffer.alloc(100)), 100).type).toBe('none');
    const fat = Buffer.alloc(MiB);
    fat.write('\xeb\x3c\x90mkfs.fat', 0, 'latin1');
    fat.fill(0x4f, 446, 510); // boot code / message text where the table would be
    fat[510] = 0x55;
    fat[511] = 0xaa;
    expect(parsePartitionTable(readerFor(fat), MiB).type).toBe('none');
  });

  it('keeps an empty MBR label (signature only)', () => {
    const disk = Buffer.alloc(MiB);
    writeMbrEntries(disk, 0, []);
    disk.writeUInt32LE(0x1234, 440);
    expect(parsePartitionTable(readerFor(disk), MiB)).toEqual({ type: 'mbr', diskId: '00001234', partitions: [] });
  });

  it('rejects bad arguments and short reads with clear errors', () => {
    const disk = Buffer.alloc(MiB);
    writeMbrEntries(disk, 0, [{ type: 0x83, lba: 1, sectors: 10 }]);
    expect(() => parsePartitionTable(readerFor(disk), -1)).toThrow(/invalid disk size/);
    expect(() => parsePartitionTable(readerFor(disk), MiB, 500)).toThrow(/invalid sector size/);
    expect(() => parsePartitionTable(() => Buffer.alloc(10), MiB)).toThrow(/short read at offset 0/);
  });
});

// ------------------------------------------------------------------ GPT (hand-built)

describe('GPT', () => {
  const parts: (GptSpec | null)[] = [
    { type: EFI, uuid: '5d1f3b8e-7a3c-4f6e-9c2d-1b0a9e8d7c6f', first: 2048, last: 22527, name: 'EFI System Partition' },
    null,
    { type: SWAP, uuid: 'aa3f2b1c-0d9e-4c8b-b7a6-95f4e3d2c1b0', first: 22528, last: 43007, attrs: 4n },
    { type: LINUX_FS, uuid: '01234567-89ab-cdef-0123-456789abcdef', first: 43008, last: 65502, name: 'root ✓' },
  ];

  it('reads a table with a gap in the entries, names and attributes', () => {
    const disk = gptDisk(65536, parts);
    const t = parsePartitionTable(readerFor(disk), disk.length);
    expect(t.type).toBe('gpt');
    expect(t.diskId).toBe(DISK_GUID);
    expect(t.notes).toBeUndefined();
    expect(t.partitions).toEqual<Partition[]>([
      { index: 1, start: 2048 * 512, size: 20480 * 512, typeId: EFI, typeName: 'EFI System', uuid: parts[0]!.uuid, name: 'EFI System Partition', bootable: false },
      { index: 3, start: 22528 * 512, size: 20480 * 512, typeId: SWAP, typeName: 'Linux swap', uuid: parts[2]!.uuid, name: null, bootable: true },
      { index: 4, start: 43008 * 512, size: (65502 - 43008 + 1) * 512, typeId: LINUX_FS, typeName: 'Linux filesystem', uuid: parts[3]!.uuid, name: 'root ✓' },
    ].map((p) => ({ bootable: false, ...p })));
  });

  it('falls back to the backup header when the primary header is corrupt', () => {
    const disk = gptDisk(65536, parts);
    disk.writeUInt8(disk.readUInt8(512 + 60) ^ 0xff, 512 + 60); // inside the disk GUID: the header CRC no longer matches
    const t = parsePartitionTable(readerFor(disk), disk.length);
    expect(t.partitions.map((p) => p.index)).toEqual([1, 3, 4]);
    expect(t.notes).toEqual([
      'primary GPT header at LBA 1: header CRC32 mismatch; using the backup GPT header at LBA 65535',
    ]);
  });

  it('falls back to the backup entries when the primary entry array is corrupt', () => {
    const disk = gptDisk(65536, parts);
    disk.writeUInt8(disk.readUInt8(2 * 512 + 40) ^ 0x01, 2 * 512 + 40);
    const t = parsePartitionTable(readerFor(disk), disk.length);
    expect(t.partitions[0]!.size).toBe(20480 * 512);
    expect(t.notes?.[0]).toMatch(/entry array CRC32 mismatch; using the backup/);
  });

  it('throws a clear error when both headers are unusable', () => {
    const disk = gptDisk(8192, parts.slice(0, 1));
    disk.fill(0, 512, 1024);
    disk.fill(0, disk.length - 512);
    expect(() => parsePartitionTable(readerFor(disk), disk.length)).toThrow(
      /^corrupt GPT: primary GPT header at LBA 1: no "EFI PART" signature; backup GPT header at LBA 8191: no "EFI PART" signature$/,
    );
  });

  it('rejects absurd entry counts and sizes without reading them', () => {
    for (const opts of [{ count: 0xffffffff }, { entrySize: 0x80000000 }, { entrySize: 100 }]) {
      const disk = gptDisk(8192, []);
      writeGptHeader(disk, 1, 8191, 2, 0, opts);
      writeGptHeader(disk, 8191, 1, 8159, 0, opts);
      const reads: number[] = [];
      const read = (o: number, l: number): Buffer => {
        reads.push(l);
        return disk.subarray(o, o + l);
      };
      expect(() => parsePartitionTable(read, disk.length)).toThrow(/corrupt GPT: .*(absurd|bad partition entry size)/);
      expect(Math.max(...reads)).toBeLessThanOrEqual(512);
    }
  });

  it('rejects an entry array placed beyond the disk', () => {
    const disk = gptDisk(8192, []);
    writeGptHeader(disk, 1, 8191, 1e9, 0);
    const t = parsePartitionTable(readerFor(disk), disk.length);
    expect(t.notes?.[0]).toMatch(/LBA 1000000000 is outside the disk; using the backup/);
  });

  it('clips, drops and skips hostile entries', () => {
    const disk = gptDisk(8192, [
      { type: LINUX_FS, uuid: '11111111-1111-1111-1111-111111111111', first: 2048, last: 99999 },
      { type: LINUX_FS, uuid: '22222222-2222-2222-2222-222222222222', first: 50000, last: 60000 },
      { type: LINUX_FS, uuid: '33333333-3333-3333-3333-333333333333', first: 3000, last: 2999 - 1 },
      { type: LINUX_FS, uuid: '44444444-4444-4444-4444-444444444444', first: 4096, last: 2 ** 60 },
    ]);
    const t = parsePartitionTable(readerFor(disk), disk.length);
    expect(t.partitions.map((p) => [p.index, p.start / 512, p.size / 512])).toEqual([
      [1, 2048, 8192 - 2048],
      [4, 4096, 8192 - 4096],
    ]);
    expect(t.notes).toHaveLength(4);
    expect(t.notes?.[1]).toMatch(/partition 2 starts at sector 50000, beyond the end of the disk/);
    expect(t.notes?.[2]).toMatch(/partition 3 ends .* before it starts/);
  });

  it('notes a truncated image whose GPT claims more sectors', () => {
    const full = gptDisk(16384, [{ type: LINUX_FS, uuid: '11111111-1111-1111-1111-111111111111', first: 2048, last: 16000 }]);
    const cut = full.subarray(0, 8192 * 512);
    const t = parsePartitionTable(readerFor(cut), cut.length);
    expect(t.type).toBe('gpt');
    expect(t.partitions[0]!.size).toBe((8192 - 2048) * 512);
    expect(t.notes?.join('\n')).toMatch(/truncated image/);
  });

  it('works with 4096-byte sectors', () => {
    const ss = 4096;
    const sectors = 2048;
    const disk = Buffer.alloc(sectors * ss);
    writeMbrEntries(disk, 0, [{ type: 0xee, lba: 1, sectors: sectors - 1 }]);
    const array = Buffer.alloc(128 * 128);
    guidBytes(LINUX_FS).copy(array, 0);
    guidBytes('99999999-8888-7777-6666-555555555555').copy(array, 16);
    array.writeBigUInt64LE(256n, 32);
    array.writeBigUInt64LE(1023n, 40);
    array.copy(disk, 2 * ss);
    const h = Buffer.alloc(92);
    h.write('EFI PART', 0, 'latin1');
    h.writeUInt32LE(92, 12);
    h.writeBigUInt64LE(1n, 24);
    h.writeBigUInt64LE(BigInt(sectors - 1), 32);
    h.writeBigUInt64LE(6n, 40);
    h.writeBigUInt64LE(BigInt(sectors - 6), 48);
    h.writeBigUInt64LE(2n, 72);
    h.writeUInt32LE(128, 80);
    h.writeUInt32LE(128, 84);
    h.writeUInt32LE(crc32(array), 88);
    h.writeUInt32LE(crc32(h), 16);
    h.copy(disk, ss);
    const t = parsePartitionTable(readerFor(disk), disk.length, ss);
    expect(t.partitions[0]).toMatchObject({ index: 1, start: 256 * ss, size: 768 * ss, uuid: '99999999-8888-7777-6666-555555555555' });
    expect(t.diskId).toBe('00000000-0000-0000-0000-000000000000');
  });
});

// ------------------------------------------------------------------ real images from sfdisk

const SFDISK = '/usr/sbin/sfdisk';
const dir = mkdtempSync(join(tmpdir(), 'guestctl-pt-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface SfdiskJson {
  partitiontable: {
    label: 'dos' | 'gpt';
    id: string;
    sectorsize?: number;
    partitions: { node: string; start: number; size: number; type: string; uuid?: string; name?: string; bootable?: boolean }[];
  };
}

function makeImage(name: string, bytes: number, script: string): { path: string; json: SfdiskJson } {
  const path = join(dir, name);
  writeFileSync(path, '');
  truncateSync(path, bytes);
  execFileSync(SFDISK, ['--no-reread', '--no-tell-kernel', '-q', path], { input: script, stdio: ['pipe', 'ignore', 'pipe'] });
  const json = JSON.parse(execFileSync(SFDISK, ['--json', path], { encoding: 'utf8' })) as SfdiskJson;
  return { path, json };
}

function parseFile(path: string): ReturnType<typeof parsePartitionTable> {
  const data = readFileSync(path);
  return parsePartitionTable(readerFor(data), data.length);
}

describe.skipIf(!existsSync(SFDISK))('real images made by sfdisk', () => {
  it('dos label with an extended partition and two logicals', () => {
    const script = [
      'label: dos',
      'label-id: 0x5eed1e55',
      'start=2048, size=20M, type=83, bootable',
      'start=43008, size=30M, type=5',
      'start=45056, size=10M, type=82',
      'start=67584, size=8M, type=8e',
      'start=110592, type=83',
      '',
    ].join('\n');
    const { path, json } = makeImage('dos.img', 64 * MiB, script);
    const t = parseFile(path);
    expect(t.type).toBe('mbr');
    expect(json.partitiontable.id).toBe(`0x${t.diskId}`);
    const expected = json.partitiontable.partitions.map((p) => ({
      index: Number(/(\d+)$/.exec(p.node)![1]),
      start: p.start,
      size: p.size,
      type: parseInt(p.type, 16),
      bootable: p.bootable ?? false,
    }));
    const got = t.partitions.map((p) => ({ index: p.index, start: p.start / 512, size: p.size / 512, type: parseInt(p.typeId, 16), bootable: p.bootable }));
    expect(got).toEqual([...expected].sort((a, b) => a.index - b.index));
    expect(got.map((p) => p.index)).toEqual([1, 2, 3, 5, 6]);
    expect(t.partitions.find((p) => p.index === 6)!.uuid).toBe('5eed1e55-06');
    expect(t.notes).toBeUndefined();
  });

  it('gpt label with names, types and UUIDs', () => {
    const script = [
      'label: gpt',
      'label-id: 6F2C9A3E-1B7D-4E58-A0C4-93D2E1F0B7A6',
      'size=1M, type=21686148-6449-6E6F-744E-656564454649, name="bios"',
      'size=20M, type=C12A7328-F81F-11D2-BA4B-00A0C93EC93B, name="EFI System"',
      'size=8M, type=0657FD6D-A4AB-43C4-84E5-0933C84B4F4F',
      'size=, type=0FC63DAF-8483-4772-8E79-3D69D8477DE4, uuid=3F0E5C1A-9B2D-4C7E-8A6F-1D2E3C4B5A69, name="root fs"',
      '',
    ].join('\n');
    const { path, json } = makeImage('gpt.img', 64 * MiB, script);
    const t = parseFile(path);
    expect(t.type).toBe('gpt');
    expect(t.diskId).toBe(json.partitiontable.id.toLowerCase());
    expect(t.diskId).toBe('6f2c9a3e-1b7d-4e58-a0c4-93d2e1f0b7a6');
    const expected = json.partitiontable.partitions.map((p) => ({
      index: Number(/(\d+)$/.exec(p.node)![1]),
      start: p.start,
      size: p.size,
      typeId: p.type.toLowerCase(),
      uuid: p.uuid!.toLowerCase(),
      name: p.name ?? null,
    }));
    const got = t.partitions.map((p) => ({ index: p.index, start: p.start / 512, size: p.size / 512, typeId: p.typeId, uuid: p.uuid, name: p.name }));
    expect(got).toEqual(expected);
    expect(t.partitions.map((p) => p.typeName)).toEqual(['BIOS boot', 'EFI System', 'Linux swap', 'Linux filesystem']);
    expect(t.partitions[3]!.uuid).toBe('3f0e5c1a-9b2d-4c7e-8a6f-1d2e3c4b5a69');
  });

  it('gpt label with a corrupted primary header: the backup is used', () => {
    const { path, json } = makeImage('gpt-bad.img', 32 * MiB, 'label: gpt\nsize=4M\nsize=\n');
    const data = readFileSync(path);
    data.fill(0xaa, 512 + 24, 512 + 92); // scribble over the primary header body
    const t = parsePartitionTable(readerFor(data), data.length);
    expect(t.diskId).toBe(json.partitiontable.id.toLowerCase());
    expect(t.partitions.map((p) => [p.start / 512, p.size / 512])).toEqual(
      json.partitiontable.partitions.map((p) => [p.start, p.size]),
    );
    expect(t.notes?.[0]).toMatch(/^primary GPT header at LBA 1: header CRC32 mismatch; using the backup GPT header at LBA 65535$/);
  });
});
