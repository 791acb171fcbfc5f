// The member list of a zip archive, read from its central directory as Info-ZIP's unzip does
// (the names and attributes the central directory records, not the local headers), with ZIP64
// sizes and offsets. Every offset is bounds-checked against the archive; a member's data is
// located through its local header.

export type ZipEntryType = 'file' | 'directory' | 'symlink' | 'char' | 'block' | 'fifo' | 'other';

export interface ZipEntry {
  path: string;
  type: ZipEntryType;
  /** Unix permission bits when the archive was made on Unix, else null. */
  mode: number | null;
  /** 0 stored, 8 deflate; others are not extracted. */
  method: number;
  compressedSize: number;
  size: number;
  crc32: number;
  encrypted: boolean;
  /** Byte offset of the member's local header. */
  localOffset: number;
}

const EOCD = 0x06054b50;
const ZIP64_LOCATOR = 0x07064b50;
const ZIP64_EOCD = 0x06064b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;

function u64(buf: Buffer, at: number, what: string): number {
  const n = buf.readBigUInt64LE(at);
  if (n > BigInt(Number.MAX_SAFE_INTEGER)) throw new Error(`zip: ${what} is out of range`);
  return Number(n);
}

function need(buf: Buffer, at: number, len: number, what: string): void {
  if (at < 0 || at + len > buf.length) throw new Error(`zip: ${what} lies outside the archive`);
}

function typeOf(unixMode: number | null, name: string): ZipEntryType {
  if (unixMode !== null && (unixMode & 0o170000) !== 0) {
    switch (unixMode & 0o170000) {
      case 0o040000: return 'directory';
      case 0o100000: return 'file';
      case 0o120000: return 'symlink';
      case 0o020000: return 'char';
      case 0o060000: return 'block';
      case 0o010000: return 'fifo';
      default: return 'other';
    }
  }
  return name.endsWith('/') ? 'directory' : 'file';
}

export function readZipDirectory(zip: Buffer): ZipEntry[] {
  const searchFrom = Math.max(0, zip.length - 22 - 0xffff);
  let eocd = -1;
  for (let i = zip.length - 22; i >= searchFrom; i--) if (zip.readUInt32LE(i) === EOCD) { eocd = i; break; }
  if (eocd === -1) throw new Error('zip: no end of central directory record (not a zip archive?)');
  let count = zip.readUInt16LE(eocd + 10);
  let dirSize = zip.readUInt32LE(eocd + 12);
  let dirOffset = zip.readUInt32LE(eocd + 16);
  if ((count === 0xffff || dirSize === 0xffffffff || dirOffset === 0xffffffff) && eocd >= 20 && zip.readUInt32LE(eocd - 20) === ZIP64_LOCATOR) {
    const at = u64(zip, eocd - 20 + 8, 'the ZIP64 record offset');
    need(zip, at, 56, 'the ZIP64 end record');
    if (zip.readUInt32LE(at) !== ZIP64_EOCD) throw new Error('zip: bad ZIP64 end of central directory record');
    count = u64(zip, at + 32, 'the member count');
    dirSize = u64(zip, at + 40, 'the directory size');
    dirOffset = u64(zip, at + 48, 'the directory offset');
  }
  need(zip, dirOffset, dirSize, 'the central directory');
  const entries: ZipEntry[] = [];
  let pos = dirOffset;
  for (let n = 0; n < count; n++) {
    need(zip, pos, 46, `central directory entry ${n + 1}`);
    if (zip.readUInt32LE(pos) !== CENTRAL) throw new Error(`zip: bad central directory entry ${n + 1}`);
    const madeBy = zip.readUInt16LE(pos + 4) >> 8;
    const flags = zip.readUInt16LE(pos + 8);
    const method = zip.readUInt16LE(pos + 10);
    const crc32 = zip.readUInt32LE(pos + 16);
    let compressedSize = zip.readUInt32LE(pos + 20);
    let size = zip.readUInt32LE(pos + 24);
    const nameLen = zip.readUInt16LE(pos + 28);
    const extraLen = zip.readUInt16LE(pos + 30);
    const commentLen = zip.readUInt16LE(pos + 32);
    const external = zip.readUInt32LE(pos + 38);
    let localOffset = zip.readUInt32LE(pos + 42);
    need(zip, pos + 46, nameLen + extraLen + commentLen, `central directory entry ${n + 1}`);
    const path = zip.subarray(pos + 46, pos + 46 + nameLen).toString(flags & 0x800 ? 'utf8' : 'latin1');
    // ZIP64 extra field: only the fields whose 32-bit value is all ones are there, in this order.
    let e = pos + 46 + nameLen;
    const extraEnd = e + extraLen;
    while (e + 4 <= extraEnd) {
      const id = zip.readUInt16LE(e);
      const len = zip.readUInt16LE(e + 2);
      if (e + 4 + len > extraEnd) throw new Error(`zip: entry ${path}: malformed extra field`);
      if (id === 0x0001) {
        let f = e + 4;
        const take = (what: string): number => {
          if (f + 8 > e + 4 + len) throw new Error(`zip: entry ${path}: short ZIP64 field`);
          const v = u64(zip, f, what);
          f += 8;
          return v;
        };
        if (size === 0xffffffff) size = take('the size');
        if (compressedSize === 0xffffffff) compressedSize = take('the compressed size');
        if (localOffset === 0xffffffff) localOffset = take('the local header offset');
      }
      e += 4 + len;
    }
    const unixMode = madeBy === 3 ? external >>> 16 : null;
    entries.push({ path, type: typeOf(unixMode, path), mode: unixMode === null ? null : unixMode & 0o7777, method, compressedSize, size, crc32, encrypted: (flags & 1) !== 0, localOffset });
    pos += 46 + nameLen + extraLen + commentLen;
  }
  return entries;
}

/** The compressed bytes of one member, found through its local header. */
export function zipMemberData(zip: Buffer, entry: ZipEntry): Buffer {
  need(zip, entry.localOffset, 30, `the local header of ${entry.path}`);
  if (zip.readUInt32LE(entry.localOffset) !== LOCAL) throw new Error(`zip: bad local header for ${entry.path}`);
  const start = entry.localOffset + 30 + zip.readUInt16LE(entry.localOffset + 26) + zip.readUInt16LE(entry.localOffset + 28);
  need(zip, start, entry.compressedSize, `the data of ${entry.path}`);
  return zip.subarray(start, start + entry.compressedSize);
}
