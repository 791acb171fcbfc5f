import { posix } from 'node:path';
import type { DirEntry, GuestStat } from './types.js';
import { findErrors, parseGuestStat } from './agent-stat.js';
import { AgentError } from '../agent/errors.js';

// What AgentGuestFs already read from a running guest, so `ls -l` does not cost one guest-exec
// per entry and a tree walk (find, du, large-files, chmod -R) does not cost one per directory:
// lstat results of the last listings, and whole subtrees read ahead once a walk is recognised.
// Anything guestctl changes in the guest clears it all.

const STAT_CACHE_MS = 2000;
/** A walk's read-ahead stays valid this long (nothing guestctl changes meanwhile: that clears it). */
const TREE_CACHE_MS = 30_000;
/** Directories listed within this time after their parent, WALK_STREAK times in a row, are a tree walk. */
const WALK_WINDOW_MS = 10_000;
const WALK_STREAK = 3;
/** Entries per subtree fetch (about 100 bytes each on the wire). */
const TREE_MAX = 20_000;

export class AgentFsCache {
  private readonly statCache = new Map<string, { st: GuestStat; until: number }>();
  /** Directory listings read ahead by a subtree fetch (tree walks). */
  private readonly listCache = new Map<string, { entries: DirEntry[]; until: number }>();
  /** When each directory was last listed, to recognise a walk. */
  private readonly listedAt = new Map<string, number>();
  /** Subtrees fetched since the last change: a directory left incomplete is then fetched itself. */
  private readonly treeFetched = new Set<string>();
  /** Directories listed in a row right after their parent. */
  private walkStreak = 0;

  clear(): void {
    this.statCache.clear();
    this.listCache.clear();
    this.listedAt.clear();
    this.treeFetched.clear();
  }

  stat(p: string): GuestStat | null {
    const c = this.statCache.get(p);
    if (!c) return null;
    if (Date.now() > c.until) {
      this.statCache.delete(p);
      return null;
    }
    return c.st;
  }

  /** Until when the stat data of a listing read now stays valid. */
  listedStatExpiry(): number {
    return Date.now() + STAT_CACHE_MS;
  }

  putStat(p: string, st: GuestStat, until: number): void {
    this.statCache.set(p, { st, until });
  }

  markListed(p: string): void {
    this.listedAt.set(p, Date.now());
  }

  /** A still valid read-ahead listing of p (a copy). */
  listing(p: string): DirEntry[] | null {
    const hit = this.listCache.get(p);
    return hit && hit.until > Date.now() ? hit.entries.map((e) => ({ ...e })) : null;
  }

  /**
   * p is about to be listed: when that continues a tree walk (a directory listed right after its
   * parent), the subtree to read ahead in one round trip instead of one per directory.
   */
  readAheadRoot(p: string): string | null {
    const parent = posix.dirname(p);
    const recent = this.listedAt.get(parent);
    this.walkStreak = p !== '/' && recent !== undefined && Date.now() - recent < WALK_WINDOW_MS ? this.walkStreak + 1 : 0;
    if (this.walkStreak < WALK_STREAK) return null;
    // The parent's subtree (not the root's: / is too big to read ahead in one go).
    return parent === '/' || this.treeFetched.has(parent) ? p : parent;
  }

  /** The listing of p a read-ahead just stored, if p's content arrived whole (a copy). */
  readAheadListing(p: string): DirEntry[] | null {
    const got = this.listCache.get(p);
    if (!got) return null;
    this.markListed(p);
    return got.entries.map((e) => ({ ...e }));
  }

  /** The LIST_TREE script's arguments for a read-ahead of root (at most TREE_MAX entries). */
  treeFetchArgs(root: string): string[] {
    this.treeFetched.add(root);
    return [root, String(TREE_MAX * 13)];
  }

  /**
   * Store the LIST_TREE output for root in the listing and stat caches. Only directories whose
   * whole content arrived are cached: not the ones still open where the output was cut, nor
   * those find could not read. False when the output is not a tree listing (no GNU find).
   */
  storeTree(root: string, stdout: string, stderr: string): boolean {
    const fields = stdout.split('\0');
    if (fields[0] !== 'T') return false;
    const dir = fields[1] || root;
    const until = Date.now() + TREE_CACHE_MS;
    const join = (base: string, rel: string) => (rel === '' ? base : `${base === '/' ? '' : base}/${rel}`);
    const listings = new Map<string, DirEntry[]>([['', []]]);
    const devOf = new Map<string, string>([['', fields[2] ?? '']]);
    const open = new Set<string>();
    let count = 0;
    let last = '';
    let lastIsDir = false;
    for (let i = 3; i + 13 <= fields.length; i += 13) {
      const f = fields.slice(i, i + 13);
      const rel = f[12]!;
      const slash = rel.lastIndexOf('/');
      const name = rel.slice(slash + 1);
      const parentRel = slash < 0 ? '' : rel.slice(0, slash);
      const st = parseGuestStat(join(dir, rel), { format: 'find', fields: f });
      count++;
      if (!st || !name) throw new AgentError('protocol', `unexpected listing data from the guest for ${join(dir, rel)}`);
      listings.get(parentRel)?.push({ name, type: st.type });
      if (st.type === 'directory') {
        listings.set(rel, []);
        devOf.set(rel, f[11]!);
        // A mount point (-xdev does not enter it): its content is not here.
        if (f[11] !== devOf.get(parentRel)) open.add(rel);
      }
      this.statCache.set(join(root, rel), { st, until });
      if (dir !== root) this.statCache.set(join(dir, rel), { st, until });
      last = rel;
      lastIsDir = st.type === 'directory';
    }
    // Cut short: the directories on the path to the last entry are incomplete.
    if (count >= TREE_MAX) {
      const parts = last.split('/');
      for (let k = 0; k < parts.length - (lastIsDir ? 0 : 1); k++) open.add(parts.slice(0, k + 1).join('/'));
      open.add('');
    }
    // find: './x/y': Permission denied. A directory find listed but could not read is not
    // complete; an entry it could not stat at all is listed as 'unknown' (lstat says why).
    for (const { rel } of findErrors(stderr)) {
      if (listings.has(rel)) open.add(rel);
      else {
        const slash = rel.lastIndexOf('/');
        listings.get(slash < 0 ? '' : rel.slice(0, slash))?.push({ name: rel.slice(slash + 1), type: 'unknown' });
      }
    }
    const byName = (a: DirEntry, b: DirEntry) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
    for (const [rel, entries] of listings) {
      if (open.has(rel)) continue;
      entries.sort(byName);
      this.listCache.set(join(root, rel), { entries, until });
      if (dir !== root) this.listCache.set(join(dir, rel), { entries, until });
    }
    return true;
  }
}
