import type { FileType, Guest } from '../guest/types.js';
import { walkGuest } from '../guest/walk.js';
import { CliError } from '../util/errors.js';

// What a package command's guest programs change OUTSIDE the trees it snapshots (a maintainer
// script writing /var/www/html/index.nginx-debian.html, say): one metadata-only walk (lstat, no
// content) of the guest's root before and after the command. Created paths can be removed by
// undo; modified or removed ones cannot be put back (their bytes were not kept), so undo names
// those that still differ after the package manager's own undo.

/** Pseudo and volatile directories: not the guest's lasting state. */
export const OUTSIDE_WALK_SKIPPED: readonly string[] = ['/proc', '/sys', '/dev', '/run', '/tmp', '/var/tmp'];

export interface PathMeta {
  type: FileType;
  size: number;
  mtimeMs: number;
  ctimeMs: number;
  inode?: number;
  mode: number;
  uid: number;
  gid: number;
  linkTarget?: string;
}

export type OutsideWalk = Map<string, PathMeta>;

/** One path outside the trees the command changed: null = absent on that side. */
export interface OutsideChange {
  path: string;
  before: PathMeta | null;
  after: PathMeta | null;
}

/** True when `path` is one of `roots` or below one. */
export function isUnder(path: string, roots: readonly string[]): boolean {
  return roots.some((r) => path === r || path.startsWith(r === '/' ? '/' : `${r}/`));
}

/** Every path of the guest's filesystems except below `trees` and the pseudo/volatile directories; symlinks are not followed. */
export async function walkOutside(guest: Guest, trees: readonly string[]): Promise<OutsideWalk> {
  const skipped = [...trees, ...OUTSIDE_WALK_SKIPPED];
  const out: OutsideWalk = new Map();
  const links: string[] = [];
  // An unreadable directory would hide what the command changes there: the step fails, naming it.
  const onError = (path: string, err: Error) => {
    throw new CliError('failed', `journal: cannot walk the guest outside the package state trees: ${path}: ${err.message}`);
  };
  for await (const e of walkGuest(guest, '/', { stat: true, onError })) {
    if (isUnder(e.path, skipped)) continue;
    const meta: PathMeta = { type: e.type, size: e.size, mtimeMs: e.mtimeMs ?? 0, ctimeMs: e.ctimeMs ?? 0, mode: e.mode ?? 0, uid: e.uid ?? 0, gid: e.gid ?? 0 };
    if (e.inode !== undefined) meta.inode = e.inode;
    out.set(e.path, meta);
    if (e.type === 'symlink') links.push(e.path);
  }
  for (const p of links) out.get(p)!.linkTarget = await guest.fs.readlink(p);
  return out;
}

/**
 * Whether two states of one path are the same. A directory's size and times change whenever an
 * entry in it comes or goes (those entries are compared themselves), so for directories only
 * type, inode, mode and owner count.
 */
export function sameMeta(a: PathMeta | null, b: PathMeta | null): boolean {
  if (!sameLooks(a, b)) return false;
  return a === null || b === null || (a.inode === b.inode && (a.type === 'directory' || a.ctimeMs === b.ctimeMs));
}

/**
 * Whether a path is back as it was, where it may be a new file: the package manager re-creates
 * what it puts back (a reinstalled package's files get a new inode and ctime, but the size, mtime,
 * mode and owner the package gives them). Type, size, mtime, mode, owner and link target.
 */
export function sameLooks(a: PathMeta | null, b: PathMeta | null): boolean {
  if (a === null || b === null) return a === b;
  if (a.type !== b.type || a.mode !== b.mode || a.uid !== b.uid || a.gid !== b.gid) return false;
  if (a.type === 'directory') return true;
  return a.size === b.size && a.mtimeMs === b.mtimeMs && a.linkTarget === b.linkTarget;
}

/** The paths that differ between two walks, sorted. */
export function outsideChanges(before: OutsideWalk, after: OutsideWalk): OutsideChange[] {
  const out: OutsideChange[] = [];
  for (const path of [...new Set([...before.keys(), ...after.keys()])].sort()) {
    const b = before.get(path) ?? null;
    const a = after.get(path) ?? null;
    if (!sameMeta(b, a)) out.push({ path, before: b, after: a });
  }
  return out;
}

export type OutsideVerdict = { action: 'undone' } | { action: 'remove' } | { action: 'not-undone'; reason: string };

/**
 * What undo can do about one outside change, given the path's state now (after the package
 * manager's undo and the tree restore): nothing left to do when it is as before (sameLooks: a
 * reinstalled package's files count as back); a path the
 * command created and nobody changed since is removed; anything else is named, not undone.
 */
export function outsideVerdict(c: OutsideChange, now: PathMeta | null): OutsideVerdict {
  if (sameLooks(c.before, now)) return { action: 'undone' };
  if (c.before === null) {
    if (c.after !== null && sameMeta(c.after, now)) return { action: 'remove' };
    return { action: 'not-undone', reason: 'created by the command outside the journaled trees and changed since; left in place' };
  }
  if (now === null) return { action: 'not-undone', reason: `a ${c.before.type} outside the journaled trees that is gone now; its content was not kept, so it is not re-created` };
  if (c.after === null) return { action: 'not-undone', reason: `removed by the command outside the journaled trees and now a different ${now.type}; its content was not kept` };
  return { action: 'not-undone', reason: `modified outside the journaled trees (${whatDiffers(c.before, now)}); its content was not kept, so it is not put back` };
}

function whatDiffers(a: PathMeta, b: PathMeta): string {
  if (a.type !== b.type) return `was a ${a.type}, now a ${b.type}`;
  const d: string[] = [];
  if (a.size !== b.size) d.push('size');
  if (a.mtimeMs !== b.mtimeMs) d.push('mtime');
  if (a.ctimeMs !== b.ctimeMs) d.push('ctime');
  if (a.inode !== b.inode) d.push('inode');
  if (a.mode !== b.mode) d.push('mode');
  if (a.uid !== b.uid || a.gid !== b.gid) d.push('owner');
  if (a.linkTarget !== b.linkTarget) d.push('link target');
  return `${d.join(', ')} differ${d.length === 1 ? 's' : ''}`;
}
