// Home directories through the guest filesystem only (so symlinks always resolve inside the
// guest): created from the skeleton directory, moved, removed. Symlinks in a tree are
// copied as links, never followed.

import { posix } from 'node:path';
import type { GuestFs, GuestStat } from '../guest/types.js';
import { CliError, describeError } from '../util/errors.js';
import { lstatOrNull, statOrNull } from '../guest/stat-or-null.js';

function isCode(err: unknown, code: string): boolean {
  return (err as NodeJS.ErrnoException | null)?.code === code;
}

const child = (dir: string, name: string) => `${dir === '/' ? '' : dir}/${name}`;

export interface NewHome {
  path: string;
  mode: number;
  uid: number;
  gid: number;
  /** Skeleton directory to copy from, or null for an empty home. */
  skel: string | null;
}

/** Owner for copied entries: fixed (skel → new user) or each entry's own (moving a home). */
type Owner = { uid: number; gid: number } | 'keep';

/**
 * Copy the tree under directory `src` into the existing directory `dst`: files keep their
 * mode, directories too (applied after they are filled), symlinks their target text;
 * other special files are skipped with a note (they cannot be made through the guest fs).
 */
async function copyTreeInto(fs: GuestFs, src: string, dst: string, owner: Owner, notes: string[], signal?: AbortSignal): Promise<void> {
  for (const e of await fs.list(src)) {
    if (signal?.aborted) throw new CliError('cancelled', 'cancelled');
    const from = child(src, e.name);
    const to = child(dst, e.name);
    const st = await fs.lstat(from);
    const own = owner === 'keep' ? { uid: st.uid, gid: st.gid } : owner;
    if (st.type === 'directory') {
      await fs.mkdir(to, { mode: 0o700 });
      await copyTreeInto(fs, from, to, owner, notes, signal);
      await fs.chown(to, own.uid, own.gid);
      await fs.chmod(to, st.mode);
    } else if (st.type === 'file') {
      await fs.writeFile(to, await fs.readFile(from), { mode: st.mode, uid: own.uid, gid: own.gid });
    } else if (st.type === 'symlink') {
      // The link itself stays root-owned: GuestFs has no lchown, and chown would follow it.
      await fs.symlink(st.symlinkTarget ?? (await fs.readlink(from)), to);
    } else {
      notes.push(`skipped ${st.type} ${from}: only files, directories and symlinks are copied`);
    }
  }
}

/**
 * Remove a directory tree entry by entry, never following a symlink, so an error names the
 * entry that could not be removed (a recursive rm reports only the top directory).
 */
async function removeTree(fs: GuestFs, dir: string): Promise<void> {
  for (const e of await fs.list(dir)) {
    const path = child(dir, e.name);
    if ((await fs.lstat(path)).type === 'directory') await removeTree(fs, path);
    else await fs.remove(path);
  }
  await fs.remove(dir);
}

/**
 * Create a home as useradd -m does: the directory (missing parents made 0755 root), the
 * skeleton's content owned by the user, then the directory's owner and mode. An existing
 * path is left alone (useradd warns and copies nothing).
 */
export async function createHome(fs: GuestFs, home: NewHome, notes: string[], signal?: AbortSignal): Promise<{ created: boolean; fromSkel: boolean }> {
  if ((await lstatOrNull(fs, home.path)) !== null) {
    notes.push(`the home directory ${home.path} already exists: left as it is, nothing copied from ${home.skel ?? 'the skeleton'}`);
    return { created: false, fromSkel: false };
  }
  const parent = posix.dirname(home.path);
  await fs.mkdir(parent, { parents: true, mode: 0o755 });
  if (home.skel !== null) {
    const skelReal = await fs.realpath(home.skel).catch(() => null);
    const homeReal = child(await fs.realpath(parent), posix.basename(home.path));
    if (skelReal !== null && (homeReal === skelReal || homeReal.startsWith(`${skelReal}/`))) {
      throw new CliError('usage', `the home ${home.path} is inside the skeleton directory ${home.skel}`);
    }
  }
  await fs.mkdir(home.path, { mode: 0o700 });
  let fromSkel = false;
  try {
    if (home.skel !== null) {
      const skel = await fs.stat(home.skel).catch(() => null);
      if (skel?.type === 'directory') {
        await copyTreeInto(fs, skel.path, home.path, { uid: home.uid, gid: home.gid }, notes, signal);
        fromSkel = true;
      } else notes.push(`no skeleton directory ${home.skel} in the guest: the home starts empty`);
    }
    await fs.chown(home.path, home.uid, home.gid);
    await fs.chmod(home.path, home.mode);
  } catch (err) {
    await fs.remove(home.path, { recursive: true }).catch((e) => notes.push(`could not remove the partial home ${home.path}: ${describeError(e)}`));
    throw err;
  }
  return { created: true, fromSkel };
}

/** An empty mail spool file (useradd with CREATE_MAIL_SPOOL=yes); an existing one is kept. */
export async function createMailSpool(fs: GuestFs, spool: { path: string; uid: number; gid: number; mode: number }, notes: string[]): Promise<boolean> {
  if ((await lstatOrNull(fs, spool.path)) !== null) {
    notes.push(`mail spool ${spool.path} already exists: left as it is`);
    return false;
  }
  const dir = await fs.stat(posix.dirname(spool.path)).catch(() => null);
  if (dir?.type !== 'directory') {
    notes.push(`no mail spool directory ${posix.dirname(spool.path)}: no mail spool created`);
    return false;
  }
  await fs.writeFile(spool.path, '', { mode: spool.mode, uid: spool.uid, gid: spool.gid });
  return true;
}

/** The error `err` with what state the guest is left in appended ("…; X is intact"). */
function withState(err: unknown, state: string): CliError {
  const code = err instanceof CliError ? err.code : 'failed';
  return new CliError(code, `${describeError(err)}; ${state}`, { cause: err });
}

/** What moveHome did: renamed in place, or copied to another filesystem then removed. */
export type HomeMove =
  | { moved: false }
  | { moved: true; how: 'renamed' | 'copied'; leftover: null }
  /** Copied completely, but removing the original failed part-way: the sentence says so. */
  | { moved: true; how: 'copied'; leftover: string };

/**
 * Move a home as usermod -m does: rename, or across filesystems copy (keeping owners and
 * modes) then delete the original, so a failed copy leaves the original intact and its
 * partial copy is removed. A missing old home is a note, an existing new one an error. Every
 * error says what state the homes are in.
 */
export async function moveHome(fs: GuestFs, from: string, to: string, notes: string[], signal?: AbortSignal): Promise<HomeMove> {
  let old: GuestStat;
  try {
    const found = await lstatOrNull(fs, from);
    if (found === null) {
      notes.push(`the old home ${from} does not exist: nothing to move`);
      return { moved: false };
    }
    old = found;
    if ((await lstatOrNull(fs, to)) !== null) throw new CliError('exists', `the new home ${to} already exists`);
    const parent = await statOrNull(fs, posix.dirname(to));
    if (parent?.type !== 'directory') throw new CliError('not-found', `the new home's parent ${posix.dirname(to)} is not a directory in the guest`);
    const fromReal = old.type === 'symlink' ? old.path : await fs.realpath(from);
    const toReal = child(parent.path, posix.basename(to));
    if (toReal === fromReal || toReal.startsWith(`${fromReal}/`)) throw new CliError('usage', `cannot move ${from} into itself (${to})`);
    try {
      await fs.rename(from, to);
      return { moved: true, how: 'renamed', leftover: null };
    } catch (err) {
      if (!isCode(err, 'EXDEV')) throw err;
    }
    if (old.type !== 'directory') throw new CliError('unsupported', `${from} is a ${old.type} on another filesystem: move it by hand`);
    await fs.mkdir(to, { mode: 0o700 });
  } catch (err) {
    throw withState(err, 'nothing was changed');
  }
  try {
    await copyTreeInto(fs, from, to, 'keep', notes, signal);
    await fs.chown(to, old.uid, old.gid);
    await fs.chmod(to, old.mode);
  } catch (err) {
    const cleaned = await fs.remove(to, { recursive: true }).then(
      () => `the partial copy ${to} was removed`,
      (e) => `the partial copy ${to} could not be removed (${describeError(e)}): remove it by hand`,
    );
    throw withState(err, `${cleaned}; ${from} is intact, nothing else was changed`);
  }
  try {
    await removeTree(fs, from);
  } catch (err) {
    return { moved: true, how: 'copied', leftover: `${to} is a complete copy, but removing the original ${from} failed part-way (${describeError(err)}): what remains of ${from} must be removed by hand` };
  }
  return { moved: true, how: 'copied', leftover: null };
}

/** Move a home back after a later step failed (best effort, reported in the error). */
export async function moveHomeBack(fs: GuestFs, from: string, to: string): Promise<string | null> {
  try {
    await fs.rename(from, to);
    return null;
  } catch (err) {
    return `could not move ${from} back to ${to}: ${describeError(err)}`;
  }
}

/**
 * Remove a home as userdel -r does, without ever following a symlink: a home that is a
 * symlink loses the link only. Returns what was removed.
 */
export async function removeHome(fs: GuestFs, path: string, notes: string[]): Promise<'directory' | 'symlink' | null> {
  const st = await lstatOrNull(fs, path);
  if (st === null) {
    notes.push(`no home directory ${path} to remove`);
    return null;
  }
  if (st.type === 'symlink') {
    await fs.remove(path);
    notes.push(`the home ${path} was a symlink (to ${st.symlinkTarget ?? '?'}): removed the link only`);
    return 'symlink';
  }
  if (st.type !== 'directory') throw new CliError('refused', `the home ${path} is a ${st.type}, not a directory: not removed`);
  await removeTree(fs, path);
  return 'directory';
}
