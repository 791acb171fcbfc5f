import { posix } from 'node:path';
import type { TarEntry } from '../parsers/tar-headers.js';

// Entry by entry (restore and extract), whether restoring an archive member under TARGET stays under TARGET.
// GNU tar in the jail can never write a host path; this check is what keeps it inside the
// target directory of the guest (no tar-slip into the guest's own /etc).

export interface Verdict {
  /** The member name as stored (what `tar -x -T` is given). */
  name: string;
  type: TarEntry['type'];
  /** Guest path it would be restored to. */
  guestPath: string | null;
  refused: string | null;
}

/** Member name → path components, or why it is refused. */
export function memberParts(name: string): string[] | string {
  if (name.startsWith('/')) return 'absolute path';
  const parts = name.split('/').filter((p) => p !== '' && p !== '.');
  if (parts.includes('..')) return '".." component';
  return parts;
}

/** Where a symlink stored at guest path `at` points, with chroot semantics (`..` stops at /). */
export function symlinkDestination(at: string, target: string): string {
  return posix.normalize(target.startsWith('/') ? target : posix.join(posix.dirname(at), target)).replace(/^(\/\.\.)+/, '') || '/';
}

export function isUnder(path: string, dir: string): boolean {
  return dir === '/' || path === dir || path.startsWith(`${dir}/`);
}

export interface VetOptions {
  /** Canonical guest directory the archive is restored into. */
  target: string;
  devices: boolean;
  /** Why a device node is refused when `devices` is false (default: restore's hint at --devices). */
  deviceRefusal?: string;
  /**
   * Accept a symlink whose target is outside the target directory (its text is kept as it is;
   * nothing is ever extracted through it). Default: refused.
   */
  outsideSymlinks?: boolean;
  /** Whether this guest path is a symlink in the guest now (each directory prefix is asked once). */
  isGuestSymlink(guestPath: string): Promise<boolean>;
}

export async function vetEntries(entries: TarEntry[], opts: VetOptions): Promise<Verdict[]> {
  const archiveLinks = new Set<string>();
  const guestLinks = new Map<string, boolean>();
  const at = (parts: string[]): string => posix.join(opts.target, ...parts);

  const throughSymlink = async (parts: string[]): Promise<string | null> => {
    for (let i = 1; i < parts.length; i++) {
      const prefix = parts.slice(0, i).join('/');
      if (archiveLinks.has(prefix)) return `goes through ${prefix}, a symlink earlier in the archive`;
      let known = guestLinks.get(prefix);
      if (known === undefined) {
        known = await opts.isGuestSymlink(at(parts.slice(0, i)));
        guestLinks.set(prefix, known);
      }
      if (known) return `goes through ${at(parts.slice(0, i))}, a symlink in the guest`;
    }
    return null;
  };

  const verdicts: Verdict[] = [];
  for (const e of entries) {
    const parts = memberParts(e.path);
    const verdict: Verdict = { name: e.path, type: e.type, guestPath: typeof parts === 'string' ? null : at(parts), refused: null };
    verdicts.push(verdict);
    if (typeof parts === 'string') { verdict.refused = parts; continue; }
    if (parts.length === 0) {
      if (e.type !== 'directory') verdict.refused = 'a non-directory named as the target itself';
      continue;
    }
    verdict.refused = await throughSymlink(parts);
    if (!verdict.refused && e.type === 'hardlink') {
      const linkParts = memberParts(e.linkpath ?? '');
      verdict.refused = typeof linkParts === 'string' ? `hard link to ${linkParts === 'absolute path' ? 'an absolute path' : 'a path with ".."'} (${e.linkpath})` : linkParts.length === 0 ? 'hard link to the target itself' : await throughSymlink([...linkParts, '']);
      if (verdict.refused && typeof linkParts !== 'string') verdict.refused = `hard link target ${verdict.refused}`;
    }
    if (!verdict.refused && e.type === 'symlink') {
      const dest = symlinkDestination(verdict.guestPath!, e.linkpath ?? '');
      if (!isUnder(dest, opts.target) && !opts.outsideSymlinks) verdict.refused = `symlink to ${dest}, outside ${opts.target}`;
    }
    if (!verdict.refused && (e.type === 'char' || e.type === 'block') && !opts.devices) verdict.refused = opts.deviceRefusal ?? 'device node (pass --devices to restore it)';
    if (!verdict.refused && e.type === 'other') verdict.refused = 'unknown member type';
    if (e.type === 'symlink') archiveLinks.add(parts.join('/'));
    else archiveLinks.delete(parts.join('/'));
  }
  // GNU tar extracts every member of a listed name: one refused occurrence refuses them all.
  const refusedNames = new Set(verdicts.filter((v) => v.refused).map((v) => v.guestPath ?? v.name));
  for (const v of verdicts) if (!v.refused && refusedNames.has(v.guestPath!)) v.refused = 'another member of the same name was refused';
  return verdicts;
}
