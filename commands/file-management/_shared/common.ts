// Helpers shared by the File Management commands (internal: not a command).
import { randomBytes } from 'node:crypto';
import { posix } from 'node:path';
import type { Guest, GuestFs, GuestStat } from '../../../src/guest/types.js';
import { CliError, guestPathError } from '../../../src/util/errors.js';
import { walkGuest } from '../../../src/guest/walk.js';
import { lstatOrNull, statOrNull } from '../../../src/guest/stat-or-null.js';

export function childPath(dir: string, name: string): string {
  return `${dir === '/' ? '' : dir}/${name}`;
}

/** A name next to `target` for building something that is then renamed over it. */
export function tempSibling(target: string, tag: string): string {
  return childPath(posix.dirname(target), `.${posix.basename(target)}.guestctl-${tag}-${randomBytes(6).toString('hex')}`);
}

export interface Destination {
  /** Canonical parent directory + final name (the final name itself is not followed). */
  path: string;
  /** lstat of what is already there. */
  existing: GuestStat | null;
}

/**
 * Where `cp`/`mv` put SRC for a DST argument: into DST when DST is an existing directory
 * (symlinks to directories included, resolved inside the guest), else DST itself.
 */
export async function destinationFor(fs: GuestFs, dst: string, srcName: string): Promise<Destination> {
  const st = await statOrNull(fs, dst);
  if (st?.type === 'directory') {
    const path = childPath(st.path, srcName);
    return { path, existing: await lstatOrNull(fs, path) };
  }
  const parent = await fs.stat(posix.dirname(dst));
  if (parent.type !== 'directory') throw guestPathError('ENOTDIR', parent.path);
  const path = childPath(parent.path, posix.basename(dst));
  return { path, existing: await lstatOrNull(fs, path) };
}

export function isInside(path: string, dir: string): boolean {
  return path === dir || path.startsWith(dir === '/' ? '/' : `${dir}/`);
}

/** Mount points of the guest at or below `path` (a canonical guest path). */
export function mountsAtOrBelow(guest: Guest, path: string): string[] {
  return guest
    .mounts()
    .map((m) => m.mountpoint)
    .filter((m) => m !== '/' && isInside(m, path));
}

export function cancelled(signal: AbortSignal): void {
  if (signal.aborted) throw new CliError('cancelled', 'cancelled');
}

/**
 * For -R: the canonical paths of everything under `top` (a canonical path, itself included),
 * symlinks left out and never followed. Fails before the caller changes anything when part
 * of the tree cannot be read.
 */
export async function treePaths(guest: Guest, top: string, signal: AbortSignal): Promise<{ path: string; type: string }[]> {
  const found: { path: string; type: string }[] = [];
  const errors: string[] = [];
  for await (const e of walkGuest(guest, top, { signal, onError: (p) => errors.push(p) })) {
    if (e.type !== 'symlink') found.push({ path: e.path, type: e.type });
  }
  if (errors.length > 0) throw new CliError('failed', `cannot read ${errors.length === 1 ? 'directory' : 'directories'} ${errors.slice(0, 3).join(', ')}${errors.length > 3 ? ', ...' : ''}: nothing changed`);
  return found;
}
