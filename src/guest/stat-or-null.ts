import type { GuestFs, GuestStat } from './types.js';

// Existence checks on guest paths. "Nothing there" is ENOENT, or ENOTDIR (a component on the
// way is not a directory, so nothing can be at the path); any other error is a real failure
// and is thrown.

export function isAbsent(err: unknown): boolean {
  const code = (err as NodeJS.ErrnoException | null)?.code;
  return code === 'ENOENT' || code === 'ENOTDIR';
}

async function absentAsNull<T>(pending: Promise<T>): Promise<T | null> {
  try {
    return await pending;
  } catch (err) {
    if (isAbsent(err)) return null;
    throw err;
  }
}

/** lstat (the last component is not followed), or null when nothing is there. */
export function lstatOrNull(fs: GuestFs, path: string): Promise<GuestStat | null> {
  return absentAsNull(fs.lstat(path));
}

/** stat (symlinks followed inside the guest), or null when nothing is there (a dangling link included). */
export function statOrNull(fs: GuestFs, path: string): Promise<GuestStat | null> {
  return absentAsNull(fs.stat(path));
}

/**
 * Whether `path` is a regular file, or a directory, after following symlinks. A symlink loop
 * (ELOOP) leads to neither, which matters when probing a hostile image.
 */
async function isType(fs: GuestFs, path: string, type: GuestStat['type']): Promise<boolean> {
  try {
    return (await fs.stat(path)).type === type;
  } catch (err) {
    if (isAbsent(err) || (err as NodeJS.ErrnoException).code === 'ELOOP') return false;
    throw err;
  }
}

export function isFile(fs: GuestFs, path: string): Promise<boolean> {
  return isType(fs, path, 'file');
}

export function isDir(fs: GuestFs, path: string): Promise<boolean> {
  return isType(fs, path, 'directory');
}
