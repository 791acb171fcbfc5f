// The LVM2 metadata-area header (mda_header, the first 512 bytes of each metadata area) and the
// circular buffer after it: the current metadata text starts at raw_locn[0].offset (relative to
// the area) and, when it runs past the end of the area, continues right after the header.

import { ascii, u32, u64 } from './bytes.js';
import { lvmCrc } from './crc.js';

export const MDA_HEADER_SIZE = 512;
export const MDA_MAGIC = ' LVM2 x[5A%r0N*>';
const RAW_LOCN_SIZE = 24;
const RAW_LOCN_IGNORED = 1;
/** lvm2 writes one raw_locn (plus the terminator); the 512-byte header has room for 20. */
const MAX_RAW_LOCNS = Math.floor((MDA_HEADER_SIZE - 40) / RAW_LOCN_SIZE);

export interface RawLocation {
  offset: number;
  size: number;
  checksum: number;
  /** RAW_LOCN_IGNORED: the area is kept but its metadata must not be used. */
  ignored: boolean;
}

export interface MdaHeader {
  version: number;
  /** Absolute byte offset of the metadata area on the device. */
  start: number;
  /** Size of the whole area, header included. */
  size: number;
  locations: RawLocation[];
}

export interface TextPiece {
  /** Offset inside the metadata area. */
  offset: number;
  length: number;
}

export function parseMdaHeader(buf: Buffer): MdaHeader {
  if (buf.length < MDA_HEADER_SIZE) throw new Error(`metadata area header: ${buf.length} bytes, need ${MDA_HEADER_SIZE}`);
  const header = buf.subarray(0, MDA_HEADER_SIZE);
  const magic = ascii(header, 4, 16, 'metadata area header');
  if (magic !== MDA_MAGIC) throw new Error('metadata area header: bad magic (not an LVM2 metadata area)');
  const crc = u32(header, 0, 'metadata area header');
  const actual = lvmCrc(header.subarray(4));
  if (crc !== actual) throw new Error(`metadata area header: checksum mismatch (stored ${crc}, computed ${actual})`);
  const version = u32(header, 20, 'metadata area header');
  if (version !== 1) throw new Error(`metadata area header: version ${version} is not 1`);
  const start = u64(header, 24, 'metadata area header');
  const size = u64(header, 32, 'metadata area header');
  if (size <= MDA_HEADER_SIZE) throw new Error(`metadata area header: area size ${size} leaves no room for metadata`);
  const locations: RawLocation[] = [];
  for (let i = 0; ; i++) {
    if (i === MAX_RAW_LOCNS) throw new Error('metadata area header: raw location list has no terminating zero entry');
    const at = 40 + i * RAW_LOCN_SIZE;
    const offset = u64(header, at, 'metadata area header raw location');
    if (offset === 0) break;
    locations.push({
      offset,
      size: u64(header, at + 8, 'metadata area header raw location'),
      checksum: u32(header, at + 16, 'metadata area header raw location'),
      ignored: (u32(header, at + 20, 'metadata area header raw location') & RAW_LOCN_IGNORED) !== 0,
    });
  }
  return { version, start, size, locations };
}

/** The one or two pieces of the area that hold the current metadata text (a wrapped text has two). */
export function metadataTextLocation(header: MdaHeader, areaSize: number): TextPiece[] {
  const loc = header.locations[0];
  if (!loc) throw new Error('metadata area: no metadata text recorded (empty raw location list)');
  if (loc.ignored) throw new Error('metadata area: its metadata is marked ignored');
  const room = areaSize - MDA_HEADER_SIZE;
  if (loc.offset < MDA_HEADER_SIZE || loc.offset >= areaSize) throw new Error(`metadata area: text offset ${loc.offset} is outside the ${areaSize}-byte area`);
  if (loc.size === 0 || loc.size > room) throw new Error(`metadata area: text size ${loc.size} does not fit the ${room}-byte buffer`);
  const first = Math.min(loc.size, areaSize - loc.offset);
  const pieces: TextPiece[] = [{ offset: loc.offset, length: first }];
  if (first < loc.size) pieces.push({ offset: MDA_HEADER_SIZE, length: loc.size - first });
  return pieces;
}

/** The current metadata text of an area, given the whole area's bytes (header first). */
export function extractMetadataText(area: Buffer, header: MdaHeader): string {
  if (area.length < header.size) throw new Error(`metadata area: ${area.length} bytes given, the header says ${header.size}`);
  return readMetadataText(header, (offset, length) => area.subarray(offset, offset + length));
}

/** The current metadata text of an area, reading only its pieces (`read` takes offsets inside the area). */
export function readMetadataText(header: MdaHeader, read: (offset: number, length: number) => Buffer): string {
  const pieces = metadataTextLocation(header, header.size);
  const bytes = Buffer.concat(pieces.map((p) => read(p.offset, p.length)));
  const crc = lvmCrc(bytes);
  if (crc !== header.locations[0]!.checksum) throw new Error(`metadata text: checksum mismatch (stored ${header.locations[0]!.checksum}, computed ${crc})`);
  const end = bytes.indexOf(0);
  const text = end < 0 ? bytes : bytes.subarray(0, end);
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(text);
  } catch (err) {
    throw new Error(`metadata text: not valid UTF-8 (${(err as Error).message})`);
  }
}
