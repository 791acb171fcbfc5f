import { describe, expect, it } from 'vitest';
import { ext4LateFeatures, xfsLateFeatures } from '../../src/image/fs-features.js';

function ext4(incompat: number): Buffer {
  const b = Buffer.alloc(2048);
  b.writeUInt16LE(0xef53, 1024 + 0x38);
  b.writeUInt32LE(incompat, 1024 + 0x60);
  return b;
}

function xfs(version: number, incompat: number): Buffer {
  const b = Buffer.alloc(512);
  b.write('XFSB', 0, 'latin1');
  b.writeUInt16BE(version, 100);
  b.writeUInt32BE(incompat, 216);
  return b;
}

describe('filesystem features a host kernel may lack', () => {
  it('names nothing for a plain ext4 (filetype, extents, 64bit, flex_bg)', () => {
    expect(ext4LateFeatures(ext4(0x2 | 0x40 | 0x80 | 0x200))).toEqual([]);
  });
  it('names casefold, inline_data and unknown ext4 bits', () => {
    expect(ext4LateFeatures(ext4(0x2 | 0x20000 | 0x8000 | 0x800000))).toEqual(['inline_data', 'casefold (Linux 5.2+)', 'unknown incompat flags 0x800000']);
  });
  it('ignores what is not an ext superblock', () => {
    expect(ext4LateFeatures(Buffer.alloc(2048))).toEqual([]);
    expect(ext4LateFeatures(Buffer.alloc(10))).toEqual([]);
  });
  it('names XFS v5 features of newer kernels, not for v4', () => {
    expect(xfsLateFeatures(xfs(0xb4a5, 0x1 | 0x8 | 0x20))).toEqual(['bigtime (Linux 5.10+)', 'nrext64 (Linux 5.19+)']);
    expect(xfsLateFeatures(xfs(0xb4a4, 0x8))).toEqual([]);
    expect(xfsLateFeatures(xfs(0xb4a5, 0x10))).toEqual(['needsrepair (xfs_repair must run first)']);
  });
});
