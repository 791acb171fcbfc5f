import { describe, expect, it } from 'vitest';
import { csum090, csum1, MD_MAGIC, readSuperblock, superblockOffsets } from '../../src/md/superblock.js';

// Superblocks built here from the layouts in the kernel's md_p.h.

const MiB = 1024 * 1024;

function reader(disk: Buffer) {
  return (offset: number, length: number) => disk.subarray(offset, Math.min(disk.length, offset + length));
}

function sb1(opts: { level?: number; name?: string; dataOffsetSectors?: bigint; sizeSectors?: bigint; dataSizeSectors?: bigint; maxDev?: number } = {}): Buffer {
  const maxDev = opts.maxDev ?? 2;
  const b = Buffer.alloc(256 + maxDev * 2);
  b.writeUInt32LE(MD_MAGIC, 0);
  b.writeUInt32LE(1, 4);
  Buffer.from('0123456789abcdeffedcba9876543210', 'hex').copy(b, 16);
  b.write(opts.name ?? 'web01:0', 32);
  b.writeInt32LE(opts.level ?? 1, 72);
  b.writeBigUInt64LE(opts.sizeSectors ?? 2048n, 80);
  b.writeUInt32LE(2, 92);
  b.writeBigUInt64LE(opts.dataOffsetSectors ?? 2048n, 128);
  b.writeBigUInt64LE(opts.dataSizeSectors ?? 4096n, 136);
  b.writeUInt32LE(maxDev, 220);
  b.writeUInt32LE(csum1(b), 216);
  return b;
}

function sb090(opts: { sizeKiB?: number; minor?: number; level?: number } = {}): Buffer {
  const b = Buffer.alloc(4096);
  const w = (i: number, v: number) => b.writeUInt32LE(v >>> 0, i * 4);
  w(0, MD_MAGIC);
  w(2, 90);
  w(5, 0x11111111);
  w(7, opts.level ?? 1);
  w(8, opts.sizeKiB ?? 1024);
  w(9, 2);
  w(10, 2);
  w(11, opts.minor ?? 3);
  w(13, 0x22222222);
  w(14, 0x33333333);
  w(15, 0x44444444);
  w(38, csum090(b));
  return b;
}

function disk(size: number, sb: Buffer, at: number): Buffer {
  const d = Buffer.alloc(size);
  sb.copy(d, at);
  return d;
}

describe('md superblock offsets', () => {
  it('places each version where the kernel looks', () => {
    const size = 10 * MiB + 4096 * 3 + 512;
    const at = Object.fromEntries(superblockOffsets(size).map((o) => [o.version, o.offset]));
    expect(at['1.2']).toBe(4096);
    expect(at['1.1']).toBe(0);
    expect(at['1.0']).toBe(Math.floor((size - 8192) / 4096) * 4096);
    expect(at['0.90']).toBe(10 * MiB - 64 * 1024);
  });
});

describe('md superblock parser', () => {
  it.each([
    ['1.2', 4096],
    ['1.1', 0],
  ])('reads a %s superblock', (version, at) => {
    const r = readSuperblock(reader(disk(4 * MiB, sb1(), at)), 4 * MiB);
    expect(r).toEqual({
      sb: { version, sbOffset: at, level: 1, raidDisks: 2, uuid: '01234567:89abcdef:fedcba98:76543210', name: 'web01:0', preferredMinor: null, dataOffset: MiB, dataSize: MiB },
    });
  });

  it('reads a 1.0 superblock at the end (data at the start)', () => {
    const size = 4 * MiB;
    const r = readSuperblock(reader(disk(size, sb1({ dataOffsetSectors: 0n }), size - 8192)), size);
    expect(r && 'sb' in r && r.sb).toMatchObject({ version: '1.0', sbOffset: size - 8192, dataOffset: 0, dataSize: MiB });
  });

  it('reads a 0.90 superblock with its preferred minor and size in KiB', () => {
    const size = 4 * MiB;
    const r = readSuperblock(reader(disk(size, sb090(), size - 64 * 1024)), size);
    expect(r).toEqual({
      sb: { version: '0.90', sbOffset: size - 65536, level: 1, raidDisks: 2, uuid: '11111111:22222222:33333333:44444444', name: null, preferredMinor: 3, dataOffset: 0, dataSize: MiB },
    });
  });

  it('finds nothing on a plain disk', () => {
    expect(readSuperblock(reader(Buffer.alloc(MiB)), MiB)).toBeNull();
  });

  it.each([
    ['a bad 1.2 checksum', () => { const b = sb1(); b.writeUInt8(b.readUInt8(40) ^ 1, 40); return disk(4 * MiB, b, 4096); }, /bad checksum/],
    ['a bad 0.90 checksum', () => { const b = sb090(); b.writeUInt8(b.readUInt8(100) ^ 1, 100); return disk(4 * MiB, b, 4 * MiB - 65536); }, /bad checksum/],
    ['data beyond the member', () => disk(4 * MiB, sb1({ dataOffsetSectors: 8000n, dataSizeSectors: 4096n }), 4096), /runs past the end/],
    ['a size that overflows', () => disk(4 * MiB, sb1({ dataOffsetSectors: 0xffffffffffffffn }), 4096), /overflows|runs past/],
    ['an array larger than its data area', () => disk(4 * MiB, sb1({ sizeSectors: 9000n }), 4096), /larger than/],
    ['a 0.90 size past its superblock', () => disk(4 * MiB, sb090({ sizeKiB: 0xffffffff }), 4 * MiB - 65536), /runs past/],
    ['a huge max_dev', () => disk(4 * MiB, sb1({ maxDev: 5000 }), 4096), /max_dev/],
  ])('rejects %s with a problem, not a superblock', (_name, make, problem) => {
    const d = make();
    const r = readSuperblock(reader(d), d.length);
    expect(r && 'problem' in r ? r.problem : r).toMatch(problem);
  });
});
