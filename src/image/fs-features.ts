import { closeSync, openSync, readSync } from 'node:fs';

// When the kernel refuses a filesystem, name the on-disk features that may be why: the incompat
// flags of its superblock that older kernels lack (mount(8) only says "wrong fs type, bad option",
// and the kernel's own log is not reliably readable).

/** ext4 incompat flags (s_feature_incompat, superblock at 1024, field at +0x60), the ones kernels gained late or never. */
const EXT4_LATE: Record<number, string> = {
  0x10: 'meta_bg',
  0x100: 'mmp',
  0x400: 'ea_inode',
  0x1000: 'dirdata',
  0x2000: 'metadata_csum_seed',
  0x4000: 'largedir (Linux 4.13+)',
  0x8000: 'inline_data',
  0x10000: 'encrypt',
  0x20000: 'casefold (Linux 5.2+)',
};
const EXT4_KNOWN = 0x1 | 0x2 | 0x4 | 0x8 | 0x40 | 0x80 | 0x200 | Object.keys(EXT4_LATE).reduce((a, k) => a | Number(k), 0);

/** XFS v5 sb_features_incompat (big-endian u32 at 216). */
const XFS_LATE: Record<number, string> = {
  0x8: 'bigtime (Linux 5.10+)',
  0x10: 'needsrepair (xfs_repair must run first)',
  0x20: 'nrext64 (Linux 5.19+)',
  0x40: 'exchange-range (Linux 6.10+)',
  0x80: 'parent pointers (Linux 6.10+)',
  0x100: 'metadir (Linux 6.13+)',
};
const XFS_KNOWN = 0x1 | 0x2 | 0x4 | Object.keys(XFS_LATE).reduce((a, k) => a | Number(k), 0);

export function ext4LateFeatures(sb: Buffer): string[] {
  if (sb.length < 1024 + 0x64 || sb.readUInt16LE(1024 + 0x38) !== 0xef53) return [];
  return names(sb.readUInt32LE(1024 + 0x60), EXT4_LATE, EXT4_KNOWN);
}

export function xfsLateFeatures(sb: Buffer): string[] {
  if (sb.length < 220 || sb.toString('latin1', 0, 4) !== 'XFSB' || (sb.readUInt16BE(100) & 0xf) < 5) return [];
  return names(sb.readUInt32BE(216), XFS_LATE, XFS_KNOWN);
}

function names(flags: number, late: Record<number, string>, known: number): string[] {
  const out = Object.entries(late)
    .filter(([bit]) => (flags & Number(bit)) !== 0)
    .map(([, name]) => name);
  const unknown = (flags & ~known) >>> 0;
  if (unknown !== 0) out.push(`unknown incompat flags 0x${unknown.toString(16)}`);
  return out;
}

/** " (it uses ...: the host kernel may lack one)" for a refused mount, or "" when nothing stands out. */
export function featureHint(fstype: string, source: string, offset: number): string {
  if (!['ext2', 'ext3', 'ext4', 'xfs'].includes(fstype)) return '';
  const sb = Buffer.alloc(2048);
  const fd = openSync(source, 'r');
  let n: number;
  try {
    n = readSync(fd, sb, 0, sb.length, offset);
  } finally {
    closeSync(fd);
  }
  const found = fstype === 'xfs' ? xfsLateFeatures(sb.subarray(0, n)) : ext4LateFeatures(sb.subarray(0, n));
  return found.length > 0 ? ` (the filesystem uses ${found.join(', ')}: the host kernel may not support it)` : '';
}
