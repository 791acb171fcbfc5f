import { lstatSync, readdirSync } from 'node:fs';
import type { FileType, Guest, GuestStat } from './types.js';
import { LocalGuestFs } from './local-fs.js';
import { hostFileType } from './host-entry.js';
import { DirectoryLoopGuard } from './loop-guard.js';

// Walk a guest tree without following symlinks (a symlink is reported, never entered), so a
// hostile link cannot lead the walk out of the guest. On a guest root that is a host
// directory the walk reads the host tree directly (synchronously: far faster than one
// promise per file); other guests are walked through their GuestFs.

export interface WalkEntry {
  /** Guest path. */
  path: string;
  type: FileType;
  size: number;
  /** Bytes allocated on disk (st_blocks * 512), as du counts them. */
  allocated: number;
  depth: number;
  /** With `stat` on a host-backed guest: device, inode and link count (du counts hard links once). */
  dev?: number;
  inode?: number;
  nlink?: number;
  /** With `stat`: permission bits (mode & 0o7777) and owner. */
  mode?: number;
  uid?: number;
  gid?: number;
  /** With `stat`: modification and inode change times. */
  mtimeMs?: number;
  ctimeMs?: number;
}

export interface WalkOptions {
  /** Stat every entry (size, allocated); without it only names and types are read. */
  stat?: boolean;
  signal?: AbortSignal;
  /** Called for unreadable directories and entries that cannot be stat'ed, instead of failing the walk. */
  onError?: (path: string, err: Error) => void;
}

export function* walkLocal(fs: LocalGuestFs, start: string, opts: WalkOptions = {}): Generator<WalkEntry> {
  const r = fs.hostPathOf(start, true);
  const rootLen = r.hostPath.length - (r.guestPath === '/' ? 0 : r.guestPath.length);
  const toGuest = (host: string) => host.slice(rootLen) || '/';
  const first = lstatSync(r.hostPath);
  const type0 = hostFileType(first);
  yield { path: r.guestPath, type: type0, size: first.size, allocated: first.blocks * 512, depth: 0, dev: first.dev, inode: first.ino, nlink: first.nlink, mode: first.mode & 0o7777, uid: first.uid, gid: first.gid, mtimeMs: first.mtimeMs, ctimeMs: first.ctimeMs };
  if (type0 !== 'directory') return;
  const loops = new DirectoryLoopGuard();
  const stack: [string, number][] = [[r.hostPath, 1]];
  while (stack.length > 0) {
    if (opts.signal?.aborted) throw new Error('cancelled');
    const [dir, depth] = stack.pop()!;
    const loop = loops.enter(dir);
    if (loop) {
      if (loop !== 'gone') opts.onError?.(toGuest(dir), loop);
      continue;
    }
    const base = dir === '/' ? '' : dir;
    if (opts.stat) {
      // Names only: the type comes from the lstat that is needed anyway (no Dirent objects).
      let names: string[];
      try {
        names = readdirSync(dir);
      } catch (err) {
        opts.onError?.(toGuest(dir), err as Error);
        continue;
      }
      for (const name of names) {
        const host = `${base}/${name}`;
        let st;
        try {
          st = lstatSync(host);
        } catch (err) {
          if ((err as NodeJS.ErrnoException).code !== 'ENOENT') reportOrThrow(opts, toGuest(host), err as Error); // ENOENT: vanished
          continue;
        }
        const type = hostFileType(st);
        yield { path: toGuest(host), type, size: st.size, allocated: st.blocks * 512, depth, dev: st.dev, inode: st.ino, nlink: st.nlink, mode: st.mode & 0o7777, uid: st.uid, gid: st.gid, mtimeMs: st.mtimeMs, ctimeMs: st.ctimeMs };
        if (type === 'directory') stack.push([host, depth + 1]);
      }
      continue;
    }
    let entries;
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch (err) {
      opts.onError?.(toGuest(dir), err as Error);
      continue;
    }
    for (const e of entries) {
      const host = `${base}/${e.name}`;
      const type = hostFileType(e);
      yield { path: toGuest(host), type, size: 0, allocated: 0, depth };
      if (type === 'directory') stack.push([host, depth + 1]);
    }
  }
}

/** Generic walk through the GuestFs interface (live guests and anything not host-backed). */
export async function* walkGuest(guest: Guest, start: string, opts: WalkOptions = {}): AsyncGenerator<WalkEntry> {
  if (guest.fs instanceof LocalGuestFs) {
    yield* walkLocal(guest.fs, start, opts);
    return;
  }
  const first = await guest.fs.lstat(start);
  yield { path: first.path, type: first.type, size: first.size, allocated: first.size, depth: 0, mode: first.mode, uid: first.uid, gid: first.gid, mtimeMs: first.mtime.getTime(), ctimeMs: first.ctime.getTime() };
  if (first.type !== 'directory') return;
  const stack: [string, number][] = [[first.path, 1]];
  while (stack.length > 0) {
    if (opts.signal?.aborted) throw new Error('cancelled');
    const [dir, depth] = stack.pop()!;
    let entries;
    try {
      entries = await guest.fs.list(dir);
    } catch (err) {
      opts.onError?.(dir, err as Error);
      continue;
    }
    for (const e of entries) {
      const path = `${dir === '/' ? '' : dir}/${e.name}`;
      let st: GuestStat | null = null;
      if (opts.stat || e.type === 'unknown') {
        // An entry the listing could not stat: lstat names the cause.
        try {
          st = await guest.fs.lstat(path);
        } catch (err) {
          reportOrThrow(opts, path, err as Error);
          continue;
        }
      }
      const size = st?.size ?? 0;
      // Live guests report no block counts: `allocated` is the apparent size here.
      yield { path, type: e.type, size, allocated: size, depth, ...(opts.stat && st ? { mode: st.mode, uid: st.uid, gid: st.gid, mtimeMs: st.mtime.getTime(), ctimeMs: st.ctime.getTime() } : {}) };
      if (e.type === 'directory') stack.push([path, depth + 1]);
    }
  }
}

/** Hand a failure to onError, or fail the walk when nobody listens: nothing is dropped silently. */
function reportOrThrow(opts: WalkOptions, path: string, err: Error): void {
  if (!opts.onError) throw err;
  opts.onError(path, err);
}
