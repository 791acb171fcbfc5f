import type { FileType, GuestStat } from './types.js';

// File status as a running guest's own tools print it (src/agent/scripts.ts), parsed into a
// GuestStat by one parser whichever tool printed it.

/** What the guest printed for one file. */
export type StatRecord =
  /** `stat -c '%f %s %u %g %h %i %X %Y %Z'` (raw mode in hex, times in epoch seconds); the link target comes separately. */
  | { format: 'stat'; line: string; target: string }
  /** GNU find -printf fields: type, mode (octal), size, uid, gid, links, inode, atime, mtime, ctime, link target, name. */
  | { format: 'find'; fields: string[] };

const FIND_TYPES: Record<string, FileType> = { f: 'file', d: 'directory', l: 'symlink', b: 'block', c: 'char', p: 'fifo', s: 'socket' };

function typeOfMode(mode: number): FileType {
  switch (mode & 0o170000) {
    case 0o100000:
      return 'file';
    case 0o040000:
      return 'directory';
    case 0o120000:
      return 'symlink';
    case 0o060000:
      return 'block';
    case 0o020000:
      return 'char';
    case 0o010000:
      return 'fifo';
    case 0o140000:
      return 'socket';
    default:
      return 'unknown';
  }
}

/** The record's type, permission bits, the numbers (size, uid, gid, links, inode, atime, mtime, ctime) and link target. */
function decode(rec: StatRecord): { type: FileType; mode: number; nums: number[]; target: string } | null {
  if (rec.format === 'stat') {
    const f = rec.line.trim().split(/\s+/);
    if (f.length < 9) return null;
    const raw = parseInt(f[0]!, 16);
    return { type: typeOfMode(raw), mode: raw, nums: f.slice(1).map(Number), target: rec.target };
  }
  const f = rec.fields;
  return { type: FIND_TYPES[f[0]!] ?? 'unknown', mode: parseInt(f[1]!, 8), nums: f.slice(2, 10).map(Number), target: f[10]! };
}

/** null when the record is not what the tool prints (a protocol error for the caller to name). */
export function parseGuestStat(path: string, rec: StatRecord): GuestStat | null {
  const d = decode(rec);
  if (!d || Number.isNaN(d.mode) || d.nums.some((x) => Number.isNaN(x))) return null;
  const { type, nums } = d;
  return {
    path,
    type,
    size: nums[0]!,
    mode: d.mode & 0o7777,
    uid: nums[1]!,
    gid: nums[2]!,
    nlink: nums[3]!,
    inode: nums[4]!,
    // find prints fractions of a second; stat whole seconds.
    atime: new Date(Math.round(nums[5]! * 1000)),
    mtime: new Date(Math.round(nums[6]! * 1000)),
    ctime: new Date(Math.round(nums[7]! * 1000)),
    ...(type === 'symlink' ? { symlinkTarget: d.target } : {}),
  };
}

/** The paths (relative to find's start) that GNU find complained about, in the C locale. */
export function findErrors(stderr: string): { rel: string; cause: string }[] {
  return [...stderr.matchAll(/^find: '\.\/?(.*)': (.*)$/gm)].map((m) => ({ rel: m[1]!, cause: m[2]! }));
}
