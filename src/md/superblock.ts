// Linux md RAID superblocks, parsed in userspace (layouts from the kernel's include/uapi/linux/raid/md_p.h).
// 0.90 sits in the last 64 KiB-aligned 64 KiB of the member, 1.0 8 KiB from the end (4 KiB aligned),
// 1.1 at the start, 1.2 4 KiB from the start. Only little-endian 0.90 superblocks (x86, arm) are read.

export const MD_MAGIC = 0xa92b4efc;

export interface MdSuperblock {
  version: '0.90' | '1.0' | '1.1' | '1.2';
  /** Where the superblock was found, in bytes from the start of the member. */
  sbOffset: number;
  /** -1 linear, 0, 1, 4, 5, 6, 10. */
  level: number;
  raidDisks: number;
  /** The array's UUID, as mdadm prints it (8:8:8:8 hex). */
  uuid: string;
  /** 1.x: "host:name"; 0.90 has none. */
  name: string | null;
  /** 0.90: the minor number the array was created with. */
  preferredMinor: number | null;
  /** Where the array's data starts in the member, and how many bytes of it there are. */
  dataOffset: number;
  dataSize: number;
}

export type MdProbe = { sb: MdSuperblock } | { problem: string } | null;

type Read = (offset: number, length: number) => Buffer;

const SECTOR = 512;
const SB0_SIZE = 4096;
const SB0_RESERVED = 64 * 1024;

/** Where each superblock version lives in a member of `size` bytes. */
export function superblockOffsets(size: number): { version: MdSuperblock['version']; offset: number }[] {
  const out: { version: MdSuperblock['version']; offset: number }[] = [
    { version: '1.2', offset: 4096 },
    { version: '1.1', offset: 0 },
  ];
  if (size >= 12 * 1024) out.push({ version: '1.0', offset: Math.floor((size - 8 * 1024) / 4096) * 4096 });
  if (size >= 2 * SB0_RESERVED) out.push({ version: '0.90', offset: Math.floor(size / SB0_RESERVED) * SB0_RESERVED - SB0_RESERVED });
  return out;
}

/** The first valid md superblock of a member; a damaged one gives a problem, no superblock gives null. */
export function readSuperblock(read: Read, size: number): MdProbe {
  const problems: string[] = [];
  for (const { version, offset } of superblockOffsets(size)) {
    const head = read(offset, 4);
    if (head.length < 4 || head.readUInt32LE(0) !== MD_MAGIC) continue;
    const r = version === '0.90' ? parse090(read(offset, SB0_SIZE), offset) : parse1(read, offset, version, size);
    if ('sb' in r) return r;
    problems.push(`${version} superblock at ${offset}: ${r.problem}`);
  }
  return problems.length > 0 ? { problem: problems.join('; ') } : null;
}

function hex(buf: Buffer): string {
  return buf.toString('hex');
}

function mdadmUuid(bytes: Buffer): string {
  const h = hex(bytes);
  return `${h.slice(0, 8)}:${h.slice(8, 16)}:${h.slice(16, 24)}:${h.slice(24, 32)}`;
}

/** md_p.h mdp_superblock_s: 32-bit words; the checksum is the sum of all 1024 words with sb_csum as 0. */
function parse090(b: Buffer, sbOffset: number): { sb: MdSuperblock } | { problem: string } {
  if (b.length < SB0_SIZE) return { problem: 'truncated' };
  const word = (i: number) => b.readUInt32LE(i * 4);
  if (word(1) !== 0) return { problem: `unknown major version ${word(1)}` };
  if (csum090(b) !== word(38)) return { problem: 'bad checksum' };
  // mdadm prints a 0.90 UUID as its four 32-bit words.
  const uuid = [5, 13, 14, 15].map((i) => word(i).toString(16).padStart(8, '0')).join(':');
  const sizeKiB = word(8);
  const dataSize = sizeKiB * 1024;
  if (dataSize > sbOffset) return { problem: `array size ${dataSize} runs past the member's data area (${sbOffset})` };
  return {
    sb: {
      version: '0.90',
      sbOffset,
      level: word(7) | 0,
      raidDisks: word(10),
      uuid,
      name: null,
      preferredMinor: word(11),
      dataOffset: 0,
      dataSize,
    },
  };
}

export function csum090(b: Buffer): number {
  let sum = 0n;
  for (let i = 0; i < SB0_SIZE / 4; i++) if (i !== 38) sum += BigInt(b.readUInt32LE(i * 4));
  return Number((sum & 0xffffffffn) + (sum >> 32n)) >>> 0;
}

/**
 * md_p.h mdp_superblock_1: 256 bytes then max_dev 16-bit role entries.
 * sb_csum is calc_sb_1_csum: 32-bit little-endian words summed in 64 bits (a trailing 16-bit word
 * added alone), sb_csum counted as 0, folded once.
 */
function parse1(read: Read, sbOffset: number, version: MdSuperblock['version'], memberSize: number): { sb: MdSuperblock } | { problem: string } {
  const head = read(sbOffset, 256);
  if (head.length < 256) return { problem: 'truncated' };
  if (head.readUInt32LE(4) !== 1) return { problem: `unknown major version ${head.readUInt32LE(4)}` };
  const maxDev = head.readUInt32LE(220);
  if (maxDev > 1920) return { problem: `max_dev ${maxDev} is out of range` };
  const whole = read(sbOffset, 256 + maxDev * 2);
  if (whole.length < 256 + maxDev * 2) return { problem: 'truncated' };
  if (csum1(whole) !== head.readUInt32LE(216)) return { problem: 'bad checksum' };
  const dataOffset = Number(head.readBigUInt64LE(128)) * SECTOR;
  const available = Number(head.readBigUInt64LE(136)) * SECTOR;
  // `size` (the part of each member the array uses) when set, else all of data_size.
  const used = Number(head.readBigUInt64LE(80)) * SECTOR;
  const dataSize = used > 0 ? used : available;
  if (![dataOffset, available, dataSize].every(Number.isSafeInteger)) return { problem: 'data offset or size overflows' };
  if (dataSize > available) return { problem: `array size ${dataSize} is larger than the member's data area (${available})` };
  if (dataOffset + dataSize > memberSize) return { problem: `data (offset ${dataOffset}, ${dataSize} bytes) runs past the end of the member (${memberSize} bytes)` };
  const rawName = head.subarray(32, 64);
  const nul = rawName.indexOf(0);
  return {
    sb: {
      version,
      sbOffset,
      level: head.readInt32LE(72),
      raidDisks: head.readUInt32LE(92),
      uuid: mdadmUuid(head.subarray(16, 32)),
      name: rawName.subarray(0, nul < 0 ? 32 : nul).toString('utf8') || null,
      preferredMinor: null,
      dataOffset,
      dataSize,
    },
  };
}

export function csum1(sb: Buffer): number {
  let sum = 0n;
  const len = sb.length;
  let i = 0;
  for (; i + 4 <= len; i += 4) if (i !== 216) sum += BigInt(sb.readUInt32LE(i));
  if (len - i >= 2) sum += BigInt(sb.readUInt16LE(i));
  return Number((sum & 0xffffffffn) + (sum >> 32n)) >>> 0;
}
