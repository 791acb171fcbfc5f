import { createHash } from 'node:crypto';
import type { Guest } from '../guest/types.js';
import { LocalGuestFs } from '../guest/local-fs.js';
import { isAbsent } from '../guest/stat-or-null.js';
import { hostTreeXattrs } from '../guest/tree-xattrs.js';
import { walkGuest } from '../guest/walk.js';
import { beforeImage } from './journaling-fs.js';
import type { BeforeImage, JournalEntry } from './journal.js';

// Before-images of whole guest trees, taken before a command runs guest programs that change
// files the file layer never sees (apt-get, systemctl, locale-gen), and compared afterwards:
// every path that appeared, went away or changed becomes a journal entry with its before-image.
// File contents are kept up to a byte budget; past it only a digest is kept, so undo can still
// tell whether such a file changed (and says it cannot restore it).

/** Content kept per command (beyond it: digests only). */
export const SNAPSHOT_CONTENT_BUDGET = 256 * 1024 * 1024;

export type TreeSnapshot = Map<string, BeforeImage>;

export async function snapshotTrees(guest: Guest, roots: readonly string[], budget = SNAPSHOT_CONTENT_BUDGET): Promise<TreeSnapshot> {
  const snap: TreeSnapshot = new Map();
  let left = budget;
  for (const [path, xattrs] of await treeListing(guest, roots)) {
    const image = await beforeImage(guest.fs, path, xattrs);
    if (image.state === 'present' && image.content) {
      if (image.content.length > left) {
        image.sha256 = digest(image.content);
        delete image.content;
      } else left -= image.content.length;
    }
    snap.set(path, image);
  }
  return snap;
}

/** The entries for every path of the snapshot's trees that differs now (new paths come out as 'absent' before). */
export async function changedSince(guest: Guest, roots: readonly string[], before: TreeSnapshot): Promise<JournalEntry[]> {
  const now = await treeListing(guest, roots);
  const out: JournalEntry[] = [];
  for (const path of [...new Set([...before.keys(), ...now.keys()])].sort()) {
    const was = before.get(path) ?? { state: 'absent' as const };
    const is = now.has(path) ? await beforeImage(guest.fs, path, now.get(path)) : ({ state: 'absent' } as const);
    if (sameImage(was, is)) continue;
    out.push({ path, before: was, after: is.state === 'present' && is.type === 'file' ? (is.content ?? null) : null });
  }
  return out;
}

/**
 * Every path of the trees (each once) with its xattrs as hex values: on a host-backed guest read
 * for a whole tree in one getfattr run (a path without any gets {}); elsewhere undefined, so
 * beforeImage reads them per file.
 */
async function treeListing(guest: Guest, roots: readonly string[]): Promise<Map<string, Record<string, string> | undefined>> {
  const listing = new Map<string, Record<string, string> | undefined>();
  for (const root of roots) {
    const paths = await treePaths(guest, root);
    const xattrs = guest.fs instanceof LocalGuestFs && paths.length > 0 ? await hostTreeXattrs(guest.fs, root, `journal: cannot read the extended attributes below ${root}`) : undefined;
    for (const p of paths) if (!listing.has(p)) listing.set(p, xattrs ? (xattrs.get(p) ?? {}) : undefined);
  }
  return listing;
}

/** Every path of the tree at `root` (the root itself first); none when it does not exist. */
async function treePaths(guest: Guest, root: string): Promise<string[]> {
  const paths: string[] = [];
  try {
    for await (const e of walkGuest(guest, root)) paths.push(e.path);
  } catch (err) {
    if (isAbsent(err)) return [];
    throw err;
  }
  return paths;
}

export function sameImage(a: BeforeImage, b: BeforeImage): boolean {
  if (a.state === 'absent' || b.state === 'absent') return a.state === b.state;
  if (a.type !== b.type || a.mode !== b.mode || a.uid !== b.uid || a.gid !== b.gid || a.linkTarget !== b.linkTarget) return false;
  if (contentDigest(a) !== contentDigest(b)) return false;
  return sameXattrs(a.xattrs, b.xattrs);
}

export function contentDigest(i: Extract<BeforeImage, { state: 'present' }>): string | undefined {
  return i.content ? digest(i.content) : i.sha256;
}

function sameXattrs(a: Record<string, Buffer> | undefined, b: Record<string, Buffer> | undefined): boolean {
  const ka = Object.keys(a ?? {}).sort();
  const kb = Object.keys(b ?? {}).sort();
  return ka.length === kb.length && ka.every((k, i) => k === kb[i] && a![k]!.equals(b![k]!));
}

function digest(data: Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}
