// A disk's partition table (MBR with its EBR chain, or GPT), decoded from bytes the caller
// reads. Pure: no I/O of its own, and every offset it asks for is checked against the disk
// first, so a hostile table can only produce notes, dropped partitions or a clear Error.

export interface Partition {
  /** 1-based as Linux names it: MBR primaries 1-4, logicals 5+; GPT entry index + 1. */
  index: number;
  /** Byte offset from the start of the disk. */
  start: number;
  /** Length in bytes (clipped to the end of the disk). */
  size: number;
  /** MBR: two lowercase hex digits ('83'); GPT: lowercase type GUID. */
  typeId: string;
  /** 'Linux filesystem', 'EFI System', 'Extended' (all three MBR extended types) ... */
  typeName: string;
  /** GPT unique partition GUID; MBR: PARTUUID as Linux prints it ('1234abcd-05'). */
  uuid: string | null;
  /** GPT partition name; null when empty or MBR. */
  name: string | null;
  /** MBR boot flag (0x80); GPT "legacy BIOS bootable" attribute (bit 2). */
  bootable?: boolean;
  /** Set when the entry was clipped to the end of the disk. */
  note?: string;
}

export interface PartitionTable {
  type: 'gpt' | 'mbr' | 'none';
  /** GPT disk GUID, or the MBR disk signature as 8 lowercase hex digits (blkid's PTUUID). */
  diskId: string | null;
  partitions: Partition[];
  /** Anything odd that was tolerated: backup GPT used, entries dropped or clipped, EBR loops. */
  notes?: string[];
}

export type ReadFn = (offset: number, length: number) => Buffer;

const MBR_EXTENDED = new Set([0x05, 0x0f, 0x85]);
const MBR_PROTECTIVE = 0xee;
/** Limits for hostile tables: Linux itself handles at most 256 partitions per disk. */
const MAX_EBRS = 256;
const MAX_GPT_ARRAY_BYTES = 1024 * 1024;

// ---------------------------------------------------------------- CRC32 (IEEE 802.3, reflected)

export const CRC_TABLE: Uint32Array = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

/** CRC32 as used by GPT, zlib and PNG. */
export function crc32(data: Uint8Array): number {
  let crc = 0xffffffff;
  for (const byte of data) crc = (CRC_TABLE[(crc ^ byte) & 0xff] as number) ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

// ---------------------------------------------------------------- GUIDs and type names

/** A 16-byte on-disk GUID (first three fields little-endian) as Linux prints it. */
export function formatGuid(buf: Buffer, offset = 0): string {
  const hex = (from: number, to: number): string => buf.subarray(offset + from, offset + to).toString('hex');
  return [
    buf.readUInt32LE(offset).toString(16).padStart(8, '0'),
    buf.readUInt16LE(offset + 4).toString(16).padStart(4, '0'),
    buf.readUInt16LE(offset + 6).toString(16).padStart(4, '0'),
    hex(8, 10),
    hex(10, 16),
  ].join('-');
}

// Names as util-linux spells them (`sfdisk --label gpt -T`), plus Linux LUKS/dm-crypt from the
// Discoverable Partitions Specification.
const GPT_TYPES: Record<string, string> = {
  'c12a7328-f81f-11d2-ba4b-00a0c93ec93b': 'EFI System',
  '024dee41-33e7-11d3-9d69-0008c781f39f': 'MBR partition scheme',
  'd3bfe2de-3daf-11df-ba40-e3a556d89593': 'Intel Fast Flash',
  '21686148-6449-6e6f-744e-656564454649': 'BIOS boot',
  '9e1a2d38-c612-4316-aa26-8b49521e5a8b': 'PowerPC PReP boot',
  'e3c9e316-0b5c-4db8-817d-f92df00215ae': 'Microsoft reserved',
  'ebd0a0a2-b9e5-4433-87c0-68b6b72699c7': 'Microsoft basic data',
  '5808c8aa-7e8f-42e0-85d2-e1e90434cfb3': 'Microsoft LDM metadata',
  'af9b60a0-1431-4f62-bc68-3311714a69ad': 'Microsoft LDM data',
  'de94bba4-06d1-4d40-a16a-bfd50179d6ac': 'Windows recovery environment',
  'e75caf8f-f680-4cee-afa3-b001e56efc2d': 'Microsoft Storage Spaces',
  '0657fd6d-a4ab-43c4-84e5-0933c84b4f4f': 'Linux swap',
  '0fc63daf-8483-4772-8e79-3d69d8477de4': 'Linux filesystem',
  '3b8f8425-20e0-4f3b-907f-1a25a76f98e8': 'Linux server data',
  '44479540-f297-41b2-9af7-d131d5f0458a': 'Linux root (x86)',
  '4f68bce3-e8cd-4db1-96e7-fbcaf984b709': 'Linux root (x86-64)',
  '69dad710-2ce4-4e3c-b16c-21a1d49abed3': 'Linux root (ARM)',
  'b921b045-1df0-41c3-af44-4c6f280d3fae': 'Linux root (ARM-64)',
  '77055800-792c-4f94-b39a-98c91b762bb6': 'Linux root (LoongArch-64)',
  '912ade1d-a839-4913-8964-a10eee08fbd2': 'Linux root (PPC64)',
  'c31c45e6-3f39-412e-80fb-4809c4980599': 'Linux root (PPC64LE)',
  '72ec70a6-cf74-40e6-bd49-4bda08e8f224': 'Linux root (RISC-V-64)',
  '5eead9a9-fe09-4a1e-a1d7-520d00531306': 'Linux root (S390X)',
  '8484680c-9521-48c6-9c11-b0720656f69e': 'Linux /usr (x86-64)',
  'b0e01050-ee5f-4390-949a-9101b17104e9': 'Linux /usr (ARM-64)',
  '8da63339-0007-60c0-c436-083ac8230908': 'Linux reserved',
  '933ac7e1-2eb4-4f13-b844-0e14e2aef915': 'Linux home',
  'a19d880f-05fc-4d3b-a006-743f0f84911e': 'Linux RAID',
  'e6d6d379-f507-44c2-a23c-238f2a3df928': 'Linux LVM',
  '4d21b016-b534-45c2-a9fb-5c16e091fd2d': 'Linux variable data',
  '7ec6f557-3bc5-4aca-b293-16ef5df639d1': 'Linux temporary data',
  'bc13c2ff-59e6-4262-a352-b275fd6f7172': 'Linux extended boot',
  '773f91ef-66d4-49b5-bd83-d683bf40ad16': "Linux user's home",
  'ca7d7ccb-63ed-4c53-861c-1742536059cc': 'Linux LUKS',
  '7ffec5c9-2d00-49b7-8941-3ea10a5586b7': 'Linux dm-crypt',
  '516e7cb4-6ecf-11d6-8ff8-00022d09712b': 'FreeBSD data',
  '83bd6b9d-7f41-11dc-be0b-001560b84f0f': 'FreeBSD boot',
  '516e7cb5-6ecf-11d6-8ff8-00022d09712b': 'FreeBSD swap',
  '516e7cb6-6ecf-11d6-8ff8-00022d09712b': 'FreeBSD UFS',
  '516e7cba-6ecf-11d6-8ff8-00022d09712b': 'FreeBSD ZFS',
  '824cc7a0-36a8-11e3-890a-952519ad3f61': 'OpenBSD data',
  '49f48d5a-b10e-11dc-b99b-0019d1879648': 'NetBSD FFS',
  '48465300-0000-11aa-aa11-00306543ecac': 'Apple HFS/HFS+',
  '7c3457ef-0000-11aa-aa11-00306543ecac': 'Apple APFS',
  '6a85cf4d-1dd2-11b2-99a6-080020736631': 'Solaris root',
  '6a898cc3-1dd2-11b2-99a6-080020736631': 'Solaris /usr & Apple ZFS',
  'fe3a2a5d-4f32-41a7-b725-accc3285a309': 'ChromeOS kernel',
  '3cb8e202-3b7e-47dd-8a3c-7ff2a13cfcec': 'ChromeOS root fs',
  'aa31e02a-400f-11db-9590-000c2911d1b8': 'VMware VMFS',
  '4fbd7e29-9d25-41b8-afd0-062c0ceff05d': 'Ceph OSD',
};

// fdisk's names, except that the Linux types read the same as their GPT counterparts and all
// three extended types are 'Extended' (callers skip containers by that name).
const MBR_TYPES: Record<number, string> = {
  0x01: 'FAT12',
  0x04: 'FAT16 <32M',
  0x05: 'Extended',
  0x06: 'FAT16',
  0x07: 'HPFS/NTFS/exFAT',
  0x0b: 'W95 FAT32',
  0x0c: 'W95 FAT32 (LBA)',
  0x0e: 'W95 FAT16 (LBA)',
  0x0f: 'Extended',
  0x11: 'Hidden FAT12',
  0x12: 'Compaq diagnostics',
  0x14: 'Hidden FAT16 <32M',
  0x16: 'Hidden FAT16',
  0x17: 'Hidden HPFS/NTFS',
  0x1b: 'Hidden W95 FAT32',
  0x1c: 'Hidden W95 FAT32 (LBA)',
  0x1e: 'Hidden W95 FAT16 (LBA)',
  0x27: 'Hidden NTFS WinRE',
  0x41: 'PPC PReP Boot',
  0x42: 'SFS',
  0x63: 'GNU HURD or SysV',
  0x81: 'Minix / old Linux',
  0x82: 'Linux swap',
  0x83: 'Linux filesystem',
  0x84: 'OS/2 hidden or Intel hibernation',
  0x85: 'Extended',
  0x86: 'NTFS volume set',
  0x87: 'NTFS volume set',
  0x88: 'Linux plaintext',
  0x8e: 'Linux LVM',
  0xa5: 'FreeBSD',
  0xa6: 'OpenBSD',
  0xa8: 'Darwin UFS',
  0xa9: 'NetBSD',
  0xab: 'Darwin boot',
  0xaf: 'HFS / HFS+',
  0xbe: 'Solaris boot',
  0xbf: 'Solaris',
  0xda: 'Non-FS data',
  0xde: 'Dell Utility',
  0xea: 'Linux extended boot',
  0xeb: 'BeOS fs',
  0xee: 'GPT',
  0xef: 'EFI System',
  0xf8: 'EBBR protective',
  0xfb: 'VMware VMFS',
  0xfc: 'VMware VMKCORE',
  0xfd: 'Linux RAID',
};

export function gptTypeName(typeGuid: string): string {
  return GPT_TYPES[typeGuid.toLowerCase()] ?? 'unknown';
}

export function mbrTypeName(typeId: number): string {
  return MBR_TYPES[typeId] ?? 'unknown';
}

// ---------------------------------------------------------------- bounded reading

interface Disk {
  size: number;
  sectorSize: number;
  /** Whole sectors on the disk. */
  sectors: number;
  read(offset: number, length: number): Buffer;
}

function makeDisk(read: ReadFn, diskSize: number, sectorSize: number): Disk {
  if (!Number.isSafeInteger(diskSize) || diskSize < 0) throw new Error(`invalid disk size: ${diskSize}`);
  if (!Number.isInteger(sectorSize) || sectorSize < 512 || sectorSize > 65536 || (sectorSize & (sectorSize - 1)) !== 0)
    throw new Error(`invalid sector size: ${sectorSize}`);
  return {
    size: diskSize,
    sectorSize,
    sectors: Math.floor(diskSize / sectorSize),
    read(offset: number, length: number): Buffer {
      if (offset < 0 || length < 0 || offset + length > diskSize)
        throw new Error(`partition table: read of ${length} bytes at ${offset} is outside the disk (${diskSize} bytes)`);
      const buf = read(offset, length);
      if (!Buffer.isBuffer(buf) || buf.length < length)
        throw new Error(`partition table: short read at offset ${offset} (${buf?.length ?? 0} of ${length} bytes)`);
      return buf.length === length ? buf : buf.subarray(0, length);
    },
  };
}

/** Keep [startLba, startLba+sizeLba) on the disk: null (dropped) or the clipped extent. */
function fitToDisk(
  disk: Disk,
  what: string,
  startLba: number,
  sizeLba: number,
  notes: string[],
): { start: number; size: number; note?: string } | null {
  if (startLba >= disk.sectors) {
    notes.push(`${what} starts at sector ${startLba}, beyond the end of the disk (${disk.sectors} sectors): ignored`);
    return null;
  }
  const ss = disk.sectorSize;
  if (startLba + sizeLba > disk.sectors) {
    const note = `${what} extends ${startLba + sizeLba - disk.sectors} sectors past the end of the disk: clipped`;
    notes.push(note);
    return { start: startLba * ss, size: (disk.sectors - startLba) * ss, note };
  }
  return { start: startLba * ss, size: sizeLba * ss };
}

// ---------------------------------------------------------------- MBR

interface MbrEntry {
  boot: number;
  type: number;
  /** Relative start (sectors) as stored. */
  lba: number;
  sectors: number;
}

function mbrEntries(sector: Buffer): MbrEntry[] {
  const out: MbrEntry[] = [];
  for (let i = 0; i < 4; i++) {
    const at = 446 + 16 * i;
    out.push({
      boot: sector[at] as number,
      type: sector[at + 4] as number,
      lba: sector.readUInt32LE(at + 8),
      sectors: sector.readUInt32LE(at + 12),
    });
  }
  return out;
}

const hasBootSignature = (sector: Buffer): boolean => sector[510] === 0x55 && sector[511] === 0xaa;
const isEmpty = (e: MbrEntry): boolean => e.type === 0 || e.sectors === 0;

function mbrPartition(
  disk: Disk,
  index: number,
  e: MbrEntry,
  absLba: number,
  diskSig: string,
  notes: string[],
): Partition | null {
  const fit = fitToDisk(disk, `partition ${index}`, absLba, e.sectors, notes);
  if (!fit) return null;
  const typeId = e.type.toString(16).padStart(2, '0');
  const part: Partition = {
    index,
    start: fit.start,
    size: fit.size,
    typeId,
    typeName: mbrTypeName(e.type),
    uuid: `${diskSig}-${index.toString(16).padStart(2, '0')}`,
    name: null,
    bootable: e.boot === 0x80,
  };
  if (fit.note) part.note = fit.note;
  return part;
}

/** Follow one extended partition's EBR chain; returns the next free logical index. */
function parseExtended(
  disk: Disk,
  extStart: number,
  extSectors: number,
  firstIndex: number,
  diskSig: string,
  out: Partition[],
  notes: string[],
): number {
  let index = firstIndex;
  let ebr = extStart;
  const seen = new Set<number>();
  for (;;) {
    if (seen.has(ebr)) {
      notes.push(`EBR chain loops back to sector ${ebr}: stopped`);
      break;
    }
    if (seen.size >= MAX_EBRS) {
      notes.push(`EBR chain longer than ${MAX_EBRS} links: stopped`);
      break;
    }
    if (ebr >= disk.sectors || (ebr + 1) * disk.sectorSize > disk.size) {
      notes.push(`EBR at sector ${ebr} is beyond the end of the disk: stopped`);
      break;
    }
    seen.add(ebr);
    const sector = disk.read(ebr * disk.sectorSize, 512);
    if (!hasBootSignature(sector)) {
      // An extended partition with no logicals usually starts with a blank sector.
      if (seen.size > 1) notes.push(`EBR at sector ${ebr} has no boot signature: chain stopped`);
      break;
    }
    const entries = mbrEntries(sector);
    entries.forEach((e, i) => {
      if (isEmpty(e) || MBR_EXTENDED.has(e.type)) return;
      const abs = ebr + e.lba;
      // Entries 3 and 4 of an EBR often hold garbage: accept them only inside the container.
      if (i >= 2 && (abs < extStart || abs + e.sectors > extStart + extSectors)) return;
      const part = mbrPartition(disk, index, e, abs, diskSig, notes);
      if (part) out.push(part);
      index++;
    });
    const link = entries.find((e) => !isEmpty(e) && MBR_EXTENDED.has(e.type));
    if (!link || link.lba === 0) break;
    ebr = extStart + link.lba;
  }
  return index;
}

function parseMbr(disk: Disk, sector0: Buffer, notes: string[]): PartitionTable {
  const diskId = sector0.readUInt32LE(440).toString(16).padStart(8, '0');
  const entries = mbrEntries(sector0);
  const partitions: Partition[] = [];
  let nextLogical = 5;
  entries.forEach((e, i) => {
    if (isEmpty(e)) return;
    const part = mbrPartition(disk, i + 1, e, e.lba, diskId, notes);
    if (!part) return;
    partitions.push(part);
    if (MBR_EXTENDED.has(e.type)) {
      const logicals: Partition[] = [];
      nextLogical = parseExtended(disk, e.lba, e.sectors, nextLogical, diskId, logicals, notes);
      partitions.push(...logicals);
    }
  });
  partitions.sort((a, b) => a.index - b.index);
  return withNotes({ type: 'mbr', diskId, partitions }, notes);
}

// ---------------------------------------------------------------- GPT

interface GptHeader {
  lba: number;
  alternateLba: bigint;
  lastUsable: bigint;
  diskGuid: string;
  entriesLba: number;
  entryCount: number;
  entrySize: number;
  entriesCrc: number;
}

type Checked<T> = { ok: true; value: T } | { ok: false; reason: string };

function readGptHeader(disk: Disk, lba: number): Checked<GptHeader> {
  const fail = (reason: string): Checked<GptHeader> => ({ ok: false, reason });
  if (lba < 1 || lba >= disk.sectors) return fail(`LBA ${lba} is outside the disk`);
  const buf = disk.read(lba * disk.sectorSize, disk.sectorSize);
  if (buf.toString('latin1', 0, 8) !== 'EFI PART') return fail('no "EFI PART" signature');
  const headerSize = buf.readUInt32LE(12);
  if (headerSize < 92 || headerSize > disk.sectorSize) return fail(`bad header size ${headerSize}`);
  const copy = Buffer.from(buf.subarray(0, headerSize));
  copy.writeUInt32LE(0, 16);
  if (crc32(copy) !== buf.readUInt32LE(16)) return fail('header CRC32 mismatch');
  if (buf.readBigUInt64LE(24) !== BigInt(lba)) return fail(`header claims to be at LBA ${buf.readBigUInt64LE(24)}`);
  const firstUsable = buf.readBigUInt64LE(40);
  const lastUsable = buf.readBigUInt64LE(48);
  if (firstUsable > lastUsable) return fail('first usable LBA is after the last usable LBA');
  const entriesLba = buf.readBigUInt64LE(72);
  const entryCount = buf.readUInt32LE(80);
  const entrySize = buf.readUInt32LE(84);
  if (entrySize < 128 || entrySize > 4096 || (entrySize & (entrySize - 1)) !== 0)
    return fail(`bad partition entry size ${entrySize}`);
  const arrayBytes = entryCount * entrySize;
  if (arrayBytes > MAX_GPT_ARRAY_BYTES) return fail(`absurd partition entry array (${entryCount} entries of ${entrySize} bytes)`);
  if (entriesLba < 1n || entriesLba * BigInt(disk.sectorSize) + BigInt(arrayBytes) > BigInt(disk.size))
    return fail(`partition entry array at LBA ${entriesLba} is outside the disk`);
  return {
    ok: true,
    value: {
      lba,
      alternateLba: buf.readBigUInt64LE(32),
      lastUsable,
      diskGuid: formatGuid(buf, 56),
      entriesLba: Number(entriesLba),
      entryCount,
      entrySize,
      entriesCrc: buf.readUInt32LE(88),
    },
  };
}

function readGptEntries(disk: Disk, h: GptHeader): Checked<Buffer> {
  const array = disk.read(h.entriesLba * disk.sectorSize, h.entryCount * h.entrySize);
  if (crc32(array) !== h.entriesCrc) return { ok: false, reason: 'partition entry array CRC32 mismatch' };
  return { ok: true, value: array };
}

function gptPartitions(disk: Disk, h: GptHeader, array: Buffer, notes: string[]): Partition[] {
  const out: Partition[] = [];
  for (let i = 0; i < h.entryCount; i++) {
    const at = i * h.entrySize;
    if (array.subarray(at, at + 16).every((b) => b === 0)) continue;
    const index = i + 1;
    const first = array.readBigUInt64LE(at + 32);
    const last = array.readBigUInt64LE(at + 40);
    if (last < first) {
      notes.push(`partition ${index} ends (LBA ${last}) before it starts (LBA ${first}): ignored`);
      continue;
    }
    // Beyond 2^53 the Numbers are approximate, but such values are far past any disk anyway.
    const fit = fitToDisk(disk, `partition ${index}`, Number(first), Number(last - first + 1n), notes);
    if (!fit) continue;
    const typeId = formatGuid(array, at);
    const nameBytes = array.subarray(at + 56, at + 128);
    let nameEnd = 0;
    while (nameEnd + 1 < nameBytes.length && (nameBytes[nameEnd] !== 0 || nameBytes[nameEnd + 1] !== 0)) nameEnd += 2;
    const name = nameBytes.toString('utf16le', 0, nameEnd);
    const attributes = array.readBigUInt64LE(at + 48);
    const part: Partition = {
      index,
      start: fit.start,
      size: fit.size,
      typeId,
      typeName: gptTypeName(typeId),
      uuid: formatGuid(array, at + 16),
      name: name === '' ? null : name,
      bootable: (attributes & 4n) !== 0n,
    };
    if (fit.note) part.note = fit.note;
    out.push(part);
  }
  return out;
}

function parseGpt(disk: Disk, notes: string[]): PartitionTable {
  const lastLba = disk.sectors - 1;
  const tried: string[] = [];
  const candidates: number[] = [1];
  const primary = readGptHeader(disk, 1);
  if (primary.ok) {
    const alt = primary.value.alternateLba;
    if (alt > 1n && alt < BigInt(lastLba)) candidates.push(Number(alt));
  }
  candidates.push(lastLba);
  for (const lba of candidates) {
    const header = lba === 1 ? primary : readGptHeader(disk, lba);
    const entries = header.ok ? readGptEntries(disk, header.value) : null;
    if (!header.ok || !entries?.ok) {
      const reason = header.ok ? (entries as { reason: string }).reason : header.reason;
      tried.push(`${lba === 1 ? 'primary' : 'backup'} GPT header at LBA ${lba}: ${reason}`);
      continue;
    }
    const h = header.value;
    if (tried.length > 0) notes.push(`${tried.join('; ')}; using the backup GPT header at LBA ${lba}`);
    if (h.lastUsable >= BigInt(disk.sectors))
      notes.push(`GPT says the disk has at least ${h.lastUsable + 1n} sectors but it has ${disk.sectors} (truncated image?)`);
    const partitions = gptPartitions(disk, h, entries.value, notes);
    return withNotes({ type: 'gpt', diskId: h.diskGuid, partitions }, notes);
  }
  throw new Error(`corrupt GPT: ${tried.join('; ')}`);
}

// ---------------------------------------------------------------- entry point

function withNotes(table: PartitionTable, notes: string[]): PartitionTable {
  if (notes.length > 0) table.notes = notes;
  return table;
}

/**
 * Parse the partition table of a disk of `diskSize` bytes. `read(offset, length)` must return
 * at least `length` bytes; it is only ever asked for ranges inside the disk.
 * Throws an Error only for bad arguments, short reads, or a protective MBR whose GPT headers
 * (primary and backup) are both unusable.
 */
export function parsePartitionTable(read: ReadFn, diskSize: number, sectorSize = 512): PartitionTable {
  const disk = makeDisk(read, diskSize, sectorSize);
  const none: PartitionTable = { type: 'none', diskId: null, partitions: [] };
  if (disk.sectors < 1 || disk.size < 512) return none;
  const sector0 = disk.read(0, 512);
  if (!hasBootSignature(sector0)) return none;
  const entries = mbrEntries(sector0);
  // A boot sector of a whole-disk filesystem (FAT, NTFS) also ends in 55 aa, but its
  // "boot flags" are code or data: a real table has only 0x00 and 0x80 there.
  if (entries.some((e) => e.boot !== 0 && e.boot !== 0x80)) return none;
  const notes: string[] = [];
  if (entries.some((e) => e.type === MBR_PROTECTIVE)) return parseGpt(disk, notes);
  return parseMbr(disk, sector0, notes);
}
