import type { FileType } from '../guest/types.js';

// `guestctl diff`: two tree listings in, the differences out. Pure: the listings are read by
// collect.ts, contents hashed by run.ts. Comparison happens in two steps so that only the
// files whose content cannot be decided from metadata are hashed:
//   planDiff(a, b)          -> metadata differences + the paths whose content must be hashed
//   finishDiff(plan, hash)  -> the report, sorted by path
// Content rule for two regular files at the same path:
//   sizes differ                                     -> content changed (no hash)
//   --no-content                                     -> content not compared
//   shared base and same inode, size, mtime, ctime   -> unchanged (no hash): ctime cannot be
//                                                       set from user space, so a write since
//                                                       the common base would have moved it
//   otherwise                                        -> hash both (sha256)

export interface TreeEntry {
  /** Guest path. */
  path: string;
  type: FileType;
  size: number;
  /** Permission bits (mode & 0o7777). */
  mode: number;
  uid: number;
  gid: number;
  inode: number;
  mtimeMs: number;
  ctimeMs: number;
  /** A symlink's target, as stored. */
  target?: string;
  /** Extended attributes of the entry itself: name -> value as hex. */
  xattrs?: Record<string, string>;
}

export type ChangedField = 'type' | 'content' | 'mode' | 'owner' | 'xattrs' | 'target' | 'mtime';

export interface SideFacts {
  type: FileType;
  size?: number;
  mode?: number;
  uid?: number;
  gid?: number;
  target?: string;
  sha256?: string;
  mtime?: string;
  xattrs?: Record<string, string>;
}

export interface DiffRow {
  path: string;
  status: 'added' | 'removed' | 'changed';
  /** For changed entries: what differs, in a fixed order. */
  changed?: ChangedField[];
  /** The changed fields (and the type) as they are in A and in B; added rows have only b, removed only a. */
  a?: SideFacts;
  b?: SideFacts;
  /** Names of the extended attributes that were added, removed or changed. */
  xattrNames?: string[];
}

export interface DiffOptions {
  /** Compare file contents (false: --no-content, sizes only). */
  content: boolean;
  /** Compare modification times (--times). */
  times: boolean;
  /** Both images are overlays of the same base file: metadata may prove a file unchanged. */
  sharedBase: boolean;
}

export interface DiffPlan {
  rows: DiffRow[];
  /** Regular files present in both whose content only a hash can decide, sorted. */
  toHash: string[];
}

export interface Hashes {
  a: string;
  b: string;
}

const FIELD_ORDER: ChangedField[] = ['type', 'content', 'mode', 'owner', 'xattrs', 'target', 'mtime'];

const byPath = (x: { path: string }, y: { path: string }) => (x.path < y.path ? -1 : x.path > y.path ? 1 : 0);

function facts(e: TreeEntry): SideFacts {
  return { type: e.type, ...(e.type === 'file' ? { size: e.size } : {}), mode: e.mode, uid: e.uid, gid: e.gid, ...(e.target !== undefined ? { target: e.target } : {}), ...(e.xattrs ? { xattrs: e.xattrs } : {}) };
}

/** Names of the xattrs that differ between two entries, sorted. */
export function xattrDifferences(a: Record<string, string> = {}, b: Record<string, string> = {}): string[] {
  const names = new Set([...Object.keys(a), ...Object.keys(b)]);
  return [...names].filter((n) => a[n] !== b[n]).sort();
}

/** Whether metadata alone proves that two regular files at the same path hold the same bytes. */
export function provenUnchanged(a: TreeEntry, b: TreeEntry, opts: DiffOptions): boolean {
  return opts.sharedBase && a.inode === b.inode && a.size === b.size && a.mtimeMs === b.mtimeMs && a.ctimeMs === b.ctimeMs;
}

function compareEntries(a: TreeEntry, b: TreeEntry, opts: DiffOptions, toHash: string[]): DiffRow | null {
  const changed = new Set<ChangedField>();
  const sa: SideFacts = { type: a.type };
  const sb: SideFacts = { type: b.type };
  if (a.type !== b.type) changed.add('type');
  if (a.mode !== b.mode) {
    changed.add('mode');
    sa.mode = a.mode;
    sb.mode = b.mode;
  }
  if (a.uid !== b.uid || a.gid !== b.gid) {
    changed.add('owner');
    Object.assign(sa, { uid: a.uid, gid: a.gid });
    Object.assign(sb, { uid: b.uid, gid: b.gid });
  }
  const xattrNames = xattrDifferences(a.xattrs, b.xattrs);
  if (xattrNames.length > 0) {
    changed.add('xattrs');
    sa.xattrs = Object.fromEntries(xattrNames.filter((n) => a.xattrs?.[n] !== undefined).map((n) => [n, a.xattrs![n]!]));
    sb.xattrs = Object.fromEntries(xattrNames.filter((n) => b.xattrs?.[n] !== undefined).map((n) => [n, b.xattrs![n]!]));
  }
  if (a.type === 'symlink' && b.type === 'symlink' && a.target !== b.target) {
    changed.add('target');
    sa.target = a.target;
    sb.target = b.target;
  }
  if (a.type === 'file' && b.type === 'file') {
    if (a.size !== b.size) {
      changed.add('content');
      sa.size = a.size;
      sb.size = b.size;
    } else if (opts.content && !provenUnchanged(a, b, opts)) toHash.push(a.path);
  }
  if (opts.times && a.type !== 'symlink' && a.mtimeMs !== b.mtimeMs) {
    changed.add('mtime');
    sa.mtime = new Date(a.mtimeMs).toISOString();
    sb.mtime = new Date(b.mtimeMs).toISOString();
  }
  if (changed.size === 0) return null;
  return { path: a.path, status: 'changed', changed: FIELD_ORDER.filter((f) => changed.has(f)), a: sa, b: sb, ...(xattrNames.length > 0 ? { xattrNames } : {}) };
}

/** Metadata differences between two listings, and the files whose content needs a hash. */
export function planDiff(listA: Iterable<TreeEntry>, listB: Iterable<TreeEntry>, opts: DiffOptions): DiffPlan {
  const inA = new Map<string, TreeEntry>();
  for (const e of listA) inA.set(e.path, e);
  const rows: DiffRow[] = [];
  const toHash: string[] = [];
  const seen = new Set<string>();
  for (const b of listB) {
    seen.add(b.path);
    const a = inA.get(b.path);
    if (!a) rows.push({ path: b.path, status: 'added', b: facts(b) });
    else {
      const row = compareEntries(a, b, opts, toHash);
      if (row) rows.push(row);
    }
  }
  for (const a of inA.values()) if (!seen.has(a.path)) rows.push({ path: a.path, status: 'removed', a: facts(a) });
  return { rows: rows.sort(byPath), toHash: toHash.sort() };
}

/** The report: the plan's rows plus a content change for each hashed file whose hashes differ, sorted by path. */
export function finishDiff(plan: DiffPlan, hashes: ReadonlyMap<string, Hashes>): DiffRow[] {
  const rows = new Map(plan.rows.map((r) => [r.path, r]));
  for (const path of plan.toHash) {
    const h = hashes.get(path);
    if (!h) throw new Error(`no hashes for ${path}`);
    if (h.a === h.b) continue;
    const row = rows.get(path) ?? { path, status: 'changed' as const, changed: [], a: { type: 'file' as const }, b: { type: 'file' as const } };
    row.changed = FIELD_ORDER.filter((f) => f === 'content' || row.changed!.includes(f));
    row.a = { ...row.a!, sha256: h.a };
    row.b = { ...row.b!, sha256: h.b };
    rows.set(path, row);
  }
  return [...rows.values()].sort(byPath);
}
