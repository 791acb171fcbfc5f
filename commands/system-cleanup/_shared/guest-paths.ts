// What a cleanup removes is a list of guest paths with their sizes, found without following
// symlinks (a link is removed as a link, never entered), and removed one by one.
import type { Guest, FileType } from '../../../src/guest/types.js';
import { walkGuest } from '../../../src/guest/walk.js';
import { lstatOrNull } from '../../../src/guest/stat-or-null.js';
import { CliError } from '../../../src/util/errors.js';

export interface PathItem {
  path: string;
  type: FileType;
  /** Bytes (a file: its size; a directory: allocated below it; other entries 0). */
  size: number;
}

/** The entry itself and, for a directory, everything below it. */
export async function itemOf(guest: Guest, path: string, signal: AbortSignal): Promise<PathItem | null> {
  const st = await lstatOrNull(guest.fs, path);
  if (!st) return null;
  // A link is its own entry: never walked, whatever it points to.
  if (st.type !== 'directory') return { path: st.path, type: st.type, size: st.type === 'file' ? st.size : 0 };
  return { path: st.path, type: 'directory', size: await allocated(guest, st.path, signal) };
}

async function allocated(guest: Guest, path: string, signal: AbortSignal): Promise<number> {
  let total = 0;
  for await (const e of walkGuest(guest, path, { stat: true, signal })) total += e.allocated;
  return total;
}

/** The entries directly in `dir` (none when it does not exist or is not a directory). */
export async function childrenOf(guest: Guest, dir: string, signal: AbortSignal): Promise<PathItem[]> {
  const st = await lstatOrNull(guest.fs, dir);
  if (!st || st.type !== 'directory') return [];
  const items: PathItem[] = [];
  for (const e of await guest.fs.list(dir)) {
    const item = await itemOf(guest, `${dir === '/' ? '' : dir}/${e.name}`, signal);
    if (item) items.push(item);
  }
  return items;
}

/** Every non-directory entry below `dir`, with its lstat (size, mtime), never entering a symlink. */
export async function filesBelow(guest: Guest, dir: string, signal: AbortSignal): Promise<(PathItem & { mtime: Date })[]> {
  const st = await lstatOrNull(guest.fs, dir);
  if (!st || st.type !== 'directory') return [];
  const out: (PathItem & { mtime: Date })[] = [];
  for await (const e of walkGuest(guest, st.path, { stat: true, signal })) {
    if (e.type === 'directory') continue;
    const s = await guest.fs.lstat(e.path);
    out.push({ path: e.path, type: e.type, size: e.allocated, mtime: s.mtime });
  }
  return out;
}

/** Remove each item (a directory with everything in it); the first failure stops with its path. */
export async function removeItems(guest: Guest, items: PathItem[]): Promise<void> {
  for (const item of items) {
    try {
      await guest.fs.remove(item.path, { recursive: item.type === 'directory' });
    } catch (err) {
      throw new CliError('failed', `removing ${item.path} failed: ${(err as Error).message}`, { cause: err });
    }
  }
}

export const totalSize = (items: PathItem[]): number => items.reduce((n, i) => n + i.size, 0);
