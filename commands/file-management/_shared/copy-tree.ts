// Copying guest files and trees through GuestFs, shared by `copy` and `move` (across
// filesystems). The whole source is planned first (so an uncopyable special file fails the
// command before anything is written), built under a temporary name next to the destination,
// and renamed into place in one step; on failure the temporary tree is removed.
import type { GuestFs, GuestStat } from '../../../src/guest/types.js';
import type { Output } from '../../../src/shell/output.js';
import { CliError, describeError, guestPathError } from '../../../src/util/errors.js';
import { cancelled, childPath, tempSibling } from './common.js';

export interface TreeItem {
  src: string;
  /** Path relative to the top of the copy: '' for the top itself, else '/a/b'. */
  rel: string;
  st: GuestStat;
}

const COPYABLE = new Set(['file', 'directory', 'symlink']);

/** Every entry of the tree at `top` (pre-order), symlinks listed as themselves, never followed. */
export async function planTree(fs: GuestFs, top: GuestStat, signal: AbortSignal): Promise<TreeItem[]> {
  const items: TreeItem[] = [];
  const visit = async (path: string, rel: string, st: GuestStat): Promise<void> => {
    cancelled(signal);
    if (!COPYABLE.has(st.type)) throw new CliError('unsupported', `cannot copy ${st.type} special file ${path}: only files, directories and symlinks are copied`);
    items.push({ src: path, rel, st });
    if (st.type !== 'directory') return;
    for (const e of await fs.list(path)) {
      const p = childPath(path, e.name);
      await visit(p, `${rel}/${e.name}`, await fs.lstat(p));
    }
  };
  await visit(top.path, '', top);
  return items;
}

/**
 * Create the planned tree at `dst` (which must not exist): files with their mode, owner and
 * group, symlinks with their target text verbatim, directories with mode/owner/group applied
 * last (so a read-only directory can still be filled).
 */
export async function buildTree(fs: GuestFs, items: TreeItem[], dst: string, signal: AbortSignal): Promise<void> {
  const dirs: { path: string; st: GuestStat }[] = [];
  for (const it of items) {
    cancelled(signal);
    const to = dst + it.rel;
    const { st } = it;
    if (st.type === 'directory') {
      await fs.mkdir(to, { mode: 0o700 });
      dirs.push({ path: to, st });
    } else if (st.type === 'symlink') {
      await fs.symlink(st.symlinkTarget ?? (await fs.readlink(it.src)), to);
    } else {
      await fs.writeFile(to, await fs.readFile(it.src), { mode: st.mode, uid: st.uid, gid: st.gid });
    }
  }
  for (const d of dirs.reverse()) {
    await fs.chown(d.path, d.st.uid, d.st.gid);
    await fs.chmod(d.path, d.st.mode);
  }
}

/**
 * Copy the planned tree to `target` atomically: build it under a temporary sibling name,
 * then rename it over `target` (replacing a file or symlink there, as rename(2) does).
 * Nothing is left behind on failure.
 */
export async function copyInto(fs: GuestFs, items: TreeItem[], target: string, signal: AbortSignal, out: Output): Promise<void> {
  const tmp = tempSibling(target, 'copy');
  try {
    await buildTree(fs, items, tmp, signal);
    cancelled(signal);
    await fs.rename(tmp, target);
  } catch (err) {
    try {
      if ((await fs.lstat(tmp).catch(() => null)) !== null) await fs.remove(tmp, { recursive: true });
    } catch (cleanupErr) {
      out.note(`could not remove the partial copy ${tmp}: ${describeError(cleanupErr)}`);
    }
    // Name the destination in the message, not the temporary name it was being built under.
    const e = err as NodeJS.ErrnoException;
    if (typeof e.code === 'string' && typeof e.path === 'string' && (e.path === tmp || e.path.startsWith(`${tmp}/`))) {
      throw guestPathError(e.code, target + e.path.slice(tmp.length));
    }
    throw err;
  }
}

export function summarize(items: TreeItem[]): { files: number; directories: number; symlinks: number; bytes: number } {
  const s = { files: 0, directories: 0, symlinks: 0, bytes: 0 };
  for (const { st } of items) {
    if (st.type === 'directory') s.directories++;
    else if (st.type === 'symlink') s.symlinks++;
    else {
      s.files++;
      s.bytes += st.size;
    }
  }
  return s;
}
