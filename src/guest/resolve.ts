import { lstatSync, readdirSync, readlinkSync } from 'node:fs';
import { CliError, guestPathError } from '../util/errors.js';

// Guest paths resolve with chroot semantics: `..` stops at the guest root, an absolute
// symlink target restarts at the guest root, a relative one continues from its directory.
// The result is a host path below the root whose components are all real directories,
// so a hostile image can never steer an operation to a host path.

export type NodeKind = 'directory' | 'symlink' | 'other';

export interface ResolverIo {
  /** Kind of the host path, or null when it does not exist. */
  kind(hostPath: string): NodeKind | null;
  readlink(hostPath: string): string;
  /** The entry of directory `hostDir` named `name` ignoring case, or null (for ignoreCase). */
  nameIgnoringCase?(hostDir: string, name: string): string | null;
}

export const hostIo: ResolverIo = {
  kind(hostPath) {
    try {
      const st = lstatSync(hostPath);
      if (st.isSymbolicLink()) return 'symlink';
      return st.isDirectory() ? 'directory' : 'other';
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'ENOTDIR') return null;
      throw err;
    }
  },
  readlink: (hostPath) => readlinkSync(hostPath),
  nameIgnoringCase(hostDir, name) {
    const lower = name.toLowerCase();
    return readdirSync(hostDir).find((entry) => entry.toLowerCase() === lower) ?? null;
  },
};

export interface Resolved {
  /** Canonical guest path (no symlinks, no `.`/`..`), e.g. `/etc/shadow`. */
  guestPath: string;
  /** The same path on the host: root + guestPath. */
  hostPath: string;
  /** Kind of the final component (null: does not exist; the parent does). */
  kind: NodeKind | null;
}

const MAX_SYMLINKS = 40;

/**
 * Resolve `guestPath` (absolute, or relative to `cwd`) inside `root`.
 * followLast: whether a symlink in the last component is followed (stat vs lstat semantics).
 * A missing last component is fine (kind null: the caller may create it); a missing
 * or non-directory intermediate component is an error.
 * ignoreCase (Windows guests): a component that does not exist as typed is looked up ignoring
 * case among its directory's entries, as Windows would.
 */
export function resolveGuestPath(
  root: string,
  guestPath: string,
  opts: { cwd?: string; followLast?: boolean; io?: ResolverIo; ignoreCase?: boolean } = {},
): Resolved {
  const io = opts.io ?? hostIo;
  const followLast = opts.followLast ?? true;
  const rootDir = root.endsWith('/') && root.length > 1 ? root.slice(0, -1) : root;
  const start = guestPath.startsWith('/') ? guestPath : `${opts.cwd ?? '/'}/${guestPath}`;
  if (guestPath.includes('\0')) throw new CliError('usage', 'path contains a NUL byte');

  const done: string[] = [];
  const todo = splitPath(start);
  let links = 0;
  let kind: NodeKind | null = 'directory';

  while (todo.length > 0) {
    let name = todo.shift()!;
    if (name === '.') continue;
    if (name === '..') {
      done.pop();
      kind = 'directory';
      continue;
    }
    let host = hostOf(rootDir, [...done, name]);
    let k = io.kind(host);
    const other = k === null && opts.ignoreCase ? io.nameIgnoringCase?.(hostOf(rootDir, done), name) : null;
    if (other) {
      name = other;
      host = hostOf(rootDir, [...done, name]);
      k = io.kind(host);
    }
    const isLast = todo.length === 0;
    if (k === null) {
      if (!isLast) throw guestPathError('ENOENT', joinGuest([...done, name]));
      done.push(name);
      kind = null;
      continue;
    }
    if (k === 'symlink' && (!isLast || followLast)) {
      if (++links > MAX_SYMLINKS) throw guestPathError('ELOOP', start);
      const target = io.readlink(host);
      if (target.startsWith('/')) done.length = 0;
      todo.unshift(...splitPath(target));
      kind = 'directory';
      continue;
    }
    if (!isLast && k !== 'directory') throw guestPathError('ENOTDIR', joinGuest([...done, name]));
    done.push(name);
    kind = k;
  }
  const canonical = joinGuest(done);
  return { guestPath: canonical, hostPath: hostOf(rootDir, done), kind };
}

function splitPath(p: string): string[] {
  return p.split('/').filter((c) => c.length > 0);
}

function joinGuest(parts: string[]): string {
  return '/' + parts.join('/');
}

function hostOf(root: string, parts: string[]): string {
  return parts.length === 0 ? root : `${root === '/' ? '' : root}/${parts.join('/')}`;
}
