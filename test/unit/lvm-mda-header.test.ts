import { describe, expect, it } from 'vitest';
import { lvmCrc } from '../../src/lvm/crc.js';
import { MDA_HEADER_SIZE, extractMetadataText, metadataTextLocation, parseMdaHeader } from '../../src/lvm/mda-header.js';

// Metadata areas built from the documented layout (lvm2 lib/format_text/layout.h): mda_header
// {u32 checksum over bytes 4..511, 16-byte magic, u32 version, u64 start, u64 size,
// raw_locn[] {u64 offset, u64 size, u32 checksum, u32 flags} ending with a zero entry}, then the
// circular text buffer.

const AREA = 4096;
const TEXT = 'vg {\nid = "x"\nseqno = 1\n}\n';

interface Loc {
  offset: number;
  size: number;
  checksum?: number;
  flags?: number;
}

function area(locs: Loc[], opts: { magic?: string; version?: number; size?: number; terminate?: boolean; badCrc?: boolean } = {}): Buffer {
  const buf = Buffer.alloc(AREA);
  buf.write(opts.magic ?? ' LVM2 x[5A%r0N*>', 4, 'latin1');
  buf.writeUInt32LE(opts.version ?? 1, 20);
  buf.writeBigUInt64LE(4096n, 24);
  buf.writeBigUInt64LE(BigInt(opts.size ?? AREA), 32);
  let at = 40;
  for (const l of locs) {
    buf.writeBigUInt64LE(BigInt(l.offset), at);
    buf.writeBigUInt64LE(BigInt(l.size), at + 8);
    buf.writeUInt32LE(l.checksum ?? 0, at + 16);
    buf.writeUInt32LE(l.flags ?? 0, at + 20);
    at += 24;
  }
  if (opts.terminate === false) for (; at + 24 <= MDA_HEADER_SIZE; at += 24) buf.writeBigUInt64LE(512n, at);
  seal(buf, opts.badCrc);
  return buf;
}

function seal(buf: Buffer, bad = false): void {
  buf.writeUInt32LE((lvmCrc(buf.subarray(4, MDA_HEADER_SIZE)) ^ (bad ? 1 : 0)) >>> 0, 0);
}

/** An area holding `text` at `offset`, wrapped around the end like lvm's circular buffer. */
function areaWithText(text: Buffer, offset: number): Buffer {
  const first = Math.min(text.length, AREA - offset);
  const buf = area([{ offset, size: text.length, checksum: lvmCrc(text) }]);
  text.copy(buf, offset, 0, first);
  text.copy(buf, MDA_HEADER_SIZE, first);
  return buf;
}

describe('parseMdaHeader', () => {
  it('reads version, start, size and the raw locations', () => {
    const h = parseMdaHeader(area([{ offset: 512, size: 1234, checksum: 7, flags: 1 }]));
    expect(h).toEqual({ version: 1, start: 4096, size: AREA, locations: [{ offset: 512, size: 1234, checksum: 7, ignored: true }] });
  });

  it.each<[string, () => Buffer, RegExp]>([
    ['a short buffer', () => Buffer.alloc(100), /need 512/],
    ['a wrong magic', () => area([], { magic: ' LVM2 x[5A%r0N*?' }), /bad magic/],
    ['a wrong checksum', () => area([], { badCrc: true }), /checksum mismatch/],
    ['version 2', () => area([], { version: 2 }), /version 2 is not 1/],
    ['an area too small to hold text', () => area([], { size: 512 }), /no room/],
    ['a raw location list with no terminator', () => area([], { terminate: false }), /no terminating zero entry/],
  ])('refuses %s', (_name, make, message) => {
    expect(() => parseMdaHeader(make())).toThrow(message);
  });
});

describe('metadataTextLocation', () => {
  const header = (offset: number, size: number, flags = 0) => ({ version: 1, start: 0, size: AREA, locations: [{ offset, size, checksum: 0, ignored: flags === 1 }] });

  it('is one piece when the text fits before the end of the area', () => {
    expect(metadataTextLocation(header(512, 1000), AREA)).toEqual([{ offset: 512, length: 1000 }]);
    expect(metadataTextLocation(header(3096, 1000), AREA)).toEqual([{ offset: 3096, length: 1000 }]);
  });

  it('continues right after the 512-byte header when the text wraps', () => {
    expect(metadataTextLocation(header(3500, 1000), AREA)).toEqual([
      { offset: 3500, length: 596 },
      { offset: 512, length: 404 },
    ]);
  });

  it.each<[string, number, number, number, RegExp]>([
    ['an offset inside the header', 100, 10, 0, /outside/],
    ['an offset past the area', 5000, 10, 0, /outside/],
    ['a size bigger than the buffer', 512, AREA, 0, /does not fit/],
    ['a huge size', 512, Number.MAX_SAFE_INTEGER, 0, /does not fit/],
    ['a zero size', 512, 0, 0, /does not fit/],
    ['metadata marked ignored', 512, 10, 1, /ignored/],
  ])('refuses %s', (_name, offset, size, flags, message) => {
    expect(() => metadataTextLocation(header(offset, size, flags), AREA)).toThrow(message);
  });

  it('refuses an area with no metadata recorded', () => {
    expect(() => metadataTextLocation({ version: 1, start: 0, size: AREA, locations: [] }, AREA)).toThrow(/no metadata text/);
  });
});

describe('extractMetadataText', () => {
  it('returns the text at its offset', () => {
    const buf = areaWithText(Buffer.from(TEXT), 512);
    expect(extractMetadataText(buf, parseMdaHeader(buf))).toBe(TEXT);
  });

  it('joins a text that wraps around the end of the circular buffer', () => {
    const text = Buffer.from(TEXT.repeat(20));
    const buf = areaWithText(text, AREA - 100);
    expect(extractMetadataText(buf, parseMdaHeader(buf))).toBe(text.toString());
  });

  it('stops at the NUL lvm writes after the text', () => {
    const buf = areaWithText(Buffer.concat([Buffer.from(TEXT), Buffer.alloc(1)]), 512);
    expect(extractMetadataText(buf, parseMdaHeader(buf))).toBe(TEXT);
  });

  it('refuses a text whose checksum does not match', () => {
    const buf = areaWithText(Buffer.from(TEXT), 512);
    buf.writeUInt8(buf.readUInt8(520) ^ 1, 520);
    expect(() => extractMetadataText(buf, parseMdaHeader(buf))).toThrow(/checksum mismatch/);
  });

  it('refuses text that is not UTF-8', () => {
    const buf = areaWithText(Buffer.from([0x76, 0x67, 0xff, 0xfe, 0x20, 0x7b]), 512);
    expect(() => extractMetadataText(buf, parseMdaHeader(buf))).toThrow(/not valid UTF-8/);
  });

  it('refuses an area buffer shorter than the header says', () => {
    const buf = areaWithText(Buffer.from(TEXT), 512);
    expect(() => extractMetadataText(buf.subarray(0, 1024), parseMdaHeader(buf))).toThrow(/the header says 4096/);
  });
});
