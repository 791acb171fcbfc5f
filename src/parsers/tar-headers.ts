// The member list of an uncompressed tar archive, read as GNU tar will read it on extraction:
// ustar/GNU headers, pax extended records (path, linkpath, GNU.sparse.name, SCHILY.xattr.*),
// GNU long names ('L'/'K'). node-tar's parser drops the pax records it does not know, and a
// pax-format sparse file then shows up under its placeholder name (GNUSparseFile.N/...) while
// GNU tar extracts it under GNU.sparse.name: a check on the wrong name would be no check.

export type TarEntryType = 'file' | 'hardlink' | 'symlink' | 'char' | 'block' | 'directory' | 'fifo' | 'other';

export interface TarEntry {
  /** The member name exactly as GNU tar will use it (pax path / GNU.sparse.name / long name / ustar prefix+name). */
  path: string;
  type: TarEntryType;
  /** Hard link: the member it links to; symlink: its target. */
  linkpath: string | null;
  mode: number;
  uid: number;
  gid: number;
  /** Bytes of the file as restored (GNU.sparse.realsize for a sparse file). */
  size: number;
  mtime: number;
  /** Extended attribute names stored with it (SCHILY.xattr.NAME; ACLs as SCHILY.acl.*). */
  xattrs: string[];
}

const BLOCK = 512;
const MAX_RECORD = 16 * 1024 * 1024;

const TYPES: Record<string, TarEntryType> = {
  '0': 'file', '\0': 'file', '7': 'file', '1': 'hardlink', '2': 'symlink', '3': 'char', '4': 'block', '5': 'directory', '6': 'fifo',
};

function text(buf: Buffer, start: number, len: number): string {
  const field = buf.subarray(start, start + len);
  const nul = field.indexOf(0);
  return field.subarray(0, nul === -1 ? len : nul).toString('utf8');
}

function octal(buf: Buffer, start: number, len: number, what: string): number {
  const field = buf.subarray(start, start + len);
  if (field[0]! & 0x80) {
    // GNU base-256 for big numbers: the remaining bytes, big-endian.
    let n = field[0]! & 0x7f;
    for (let i = 1; i < len; i++) n = n * 256 + field[i]!;
    if (!Number.isSafeInteger(n)) throw new Error(`tar header: ${what} is out of range`);
    return n;
  }
  const s = text(buf, start, len).trim();
  if (s === '') return 0;
  if (!/^[0-7]+$/.test(s)) throw new Error(`tar header: ${what} is not an octal number (${JSON.stringify(s)})`);
  return parseInt(s, 8);
}

function checksumOk(block: Buffer): boolean {
  let sum = 0;
  for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 32 : block[i]!;
  const stored = text(block, 148, 8).trim();
  return /^[0-7]+$/.test(stored) && sum === parseInt(stored, 8);
}

/** pax records "LEN KEY=VALUE\n": each length checked against the record it prefixes. */
export function parsePaxRecords(data: Buffer): Map<string, string> {
  const out = new Map<string, string>();
  let pos = 0;
  while (pos < data.length) {
    if (data[pos] === 0) break;
    const space = data.indexOf(0x20, pos);
    if (space === -1) throw new Error('pax record without a length');
    const len = Number(data.subarray(pos, space).toString('ascii'));
    if (!Number.isInteger(len) || len <= space - pos + 1 || pos + len > data.length || data[pos + len - 1] !== 0x0a) {
      throw new Error(`malformed pax record at byte ${pos}`);
    }
    const record = data.subarray(space + 1, pos + len - 1);
    const eq = record.indexOf(0x3d);
    if (eq <= 0) throw new Error(`pax record without a key at byte ${pos}`);
    out.set(record.subarray(0, eq).toString('utf8'), record.subarray(eq + 1).toString('utf8'));
    pos += len;
  }
  return out;
}

export function readTarHeaders(archive: Buffer): TarEntry[] {
  const entries: TarEntry[] = [];
  let pos = 0;
  let pax = new Map<string, string>();
  let global = new Map<string, string>();
  let longName: string | null = null;
  let longLink: string | null = null;
  while (pos + BLOCK <= archive.length) {
    const block = archive.subarray(pos, pos + BLOCK);
    if (block.every((b) => b === 0)) break;
    if (!checksumOk(block)) throw new Error(`tar header at byte ${pos}: bad checksum (not a tar archive, or a damaged one)`);
    const flag = String.fromCharCode(block[156]!);
    const headerSize = octal(block, 124, 12, 'size');
    // A pax size (members over 8 GiB) replaces the header's for the data that follows.
    const paxSize = 'xgLK'.includes(flag) ? undefined : pax.get('size') ?? global.get('size');
    const size = paxSize !== undefined && /^\d+$/.test(paxSize) ? Number(paxSize) : headerSize;
    const dataStart = pos + BLOCK;
    const next = dataStart + Math.ceil(size / BLOCK) * BLOCK;
    if (dataStart + size > archive.length) throw new Error(`tar member at byte ${pos} runs past the end of the archive`);
    const data = (): Buffer => {
      if (size > MAX_RECORD) throw new Error(`tar meta record at byte ${pos} is too large (${size} bytes)`);
      return archive.subarray(dataStart, dataStart + size);
    };
    pos = next;
    if (flag === 'x') { pax = new Map([...pax, ...parsePaxRecords(data())]); continue; }
    if (flag === 'g') { global = new Map([...global, ...parsePaxRecords(data())]); continue; }
    if (flag === 'L') { longName = text(data(), 0, size); continue; }
    if (flag === 'K') { longLink = text(data(), 0, size); continue; }
    const ext = new Map([...global, ...pax]);
    const magic = text(block, 257, 6);
    const prefix = magic === 'ustar' && block[345] !== 0 ? text(block, 345, 155) : '';
    const headerName = prefix ? `${prefix}/${text(block, 0, 100)}` : text(block, 0, 100);
    const path = ext.get('GNU.sparse.name') ?? ext.get('path') ?? longName ?? headerName;
    const type = TYPES[flag] ?? (flag === 'S' ? 'file' : 'other');
    const link = ext.get('linkpath') ?? longLink ?? text(block, 157, 100);
    const num = (key: string, start: number, len: number, what: string): number => {
      const v = ext.get(key);
      return v !== undefined ? Number(v) : octal(block, start, len, what);
    };
    entries.push({
      path,
      type,
      linkpath: type === 'hardlink' || type === 'symlink' ? link : null,
      mode: octal(block, 100, 8, 'mode'),
      uid: num('uid', 108, 8, 'uid'),
      gid: num('gid', 116, 8, 'gid'),
      size: Number(ext.get('GNU.sparse.realsize') ?? ext.get('GNU.sparse.size') ?? ext.get('size') ?? size),
      mtime: num('mtime', 136, 12, 'mtime'),
      xattrs: [...ext.keys()].filter((k) => k.startsWith('SCHILY.xattr.') || k.startsWith('SCHILY.acl.')).map((k) => k.replace(/^SCHILY\.(xattr\.)?/, '')),
    });
    pax = new Map();
    longName = null;
    longLink = null;
  }
  return entries;
}
