import { walkGuest } from '../guest/walk.js';
import { LocalGuestFs } from '../guest/local-fs.js';
import type { Guest } from '../guest/types.js';
import { XATTRS_READ_BY_NAME, hostTreeXattrs } from '../guest/tree-xattrs.js';
import { CliError, describeError } from '../util/errors.js';
import type { TreeEntry } from './compare.js';
import { hasRealCtime } from './ctime-filesystems.js';

// One side of `guestctl diff`: the whole tree below `start`, walked without following symlinks
// (a link is read with readlink, never entered or opened), with each entry's metadata, link
// target and extended attributes.

export async function collectTree(guest: Guest, start: string, label: string, signal: AbortSignal): Promise<TreeEntry[]> {
  const errors: string[] = [];
  const entries: TreeEntry[] = [];
  const mounts = guest.mounts();
  for await (const w of walkGuest(guest, start, { stat: true, signal, onError: (path, err) => errors.push(`${path}: ${describeError(err)}`) })) {
    entries.push({
      path: w.path,
      type: w.type,
      size: w.size,
      mode: w.mode ?? 0,
      uid: w.uid ?? -1,
      gid: w.gid ?? -1,
      // Unknown inode (a guest without one): never equal, so metadata never proves a file unchanged.
      inode: w.inode ?? Number.NaN,
      mtimeMs: w.mtimeMs ?? Number.NaN,
      // No real ctime (vfat): unknown, so the file is hashed.
      ctimeMs: w.ctimeMs !== undefined && hasRealCtime(w.path, mounts) ? w.ctimeMs : Number.NaN,
    });
  }
  if (errors.length > 0) throw new CliError('failed', `diff: cannot read all of ${label}: ${errors.slice(0, 3).join('; ')}${errors.length > 3 ? ` (and ${errors.length - 3} more)` : ''}`);
  for (const e of entries) if (e.type === 'symlink') e.target = await guest.fs.readlink(e.path);
  await addXattrs(guest, start, entries, label);
  return entries;
}

async function addXattrs(guest: Guest, start: string, entries: TreeEntry[], label: string): Promise<void> {
  if (guest.fs instanceof LocalGuestFs) {
    const byPath = new Map(entries.map((e) => [e.path, e]));
    for (const [path, xattrs] of await hostTreeXattrs(guest.fs, start, `diff: cannot read the extended attributes in ${label}`)) {
      const e = byPath.get(path);
      if (!e) throw new CliError('failed', `diff: getfattr listed ${path} in ${label}, which the walk did not see`);
      e.xattrs = xattrs;
    }
    return;
  }
  const get = guest.fs.getXattr?.bind(guest.fs);
  if (!get) return;
  for (const e of entries) {
    for (const name of XATTRS_READ_BY_NAME) {
      const v = await get(e.path, name);
      if (v) (e.xattrs ??= {})[name] = v.toString('hex');
    }
  }
}
