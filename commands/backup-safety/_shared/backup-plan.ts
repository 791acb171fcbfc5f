// backup --dry-run: the members the archive would hold, counted by walking the guest as tar
// would (symlinks not followed), with the same leave-outs: --exclude globs (matched, as GNU
// tar does without --anchored, against any trailing part of the member name), the guest store
// for a backup kept in the guest, and /proc, /sys, /dev, /run contents on a running guest.
import type { CommandContext } from '../../../src/shell/command.js';
import { walkGuest } from '../../../src/guest/walk.js';
import { globMatcher, GlobError } from '../../../src/parsers/glob.js';
import { CliError } from '../../../src/util/errors.js';
import { GUEST_STORE, PSEUDO } from './create-archive.js';

export interface MemberCount {
  members: number;
  files: number;
  directories: number;
  /** Sum of the regular files' sizes (before compression). */
  bytes: number;
  unreadable: string[];
}

function matchers(excludes: string[]): ((name: string) => boolean)[] {
  return excludes.map((g) => {
    try {
      return globMatcher(g);
    } catch (err) {
      if (err instanceof GlobError) throw new CliError('usage', `backup --exclude ${g}: ${err.message}`);
      throw err;
    }
  });
}

/** Whether any trailing run of path components matches one of the globs. */
function excludedByGlob(path: string, globs: ((name: string) => boolean)[]): boolean {
  const parts = path.split('/').filter(Boolean);
  for (let i = 0; i < parts.length; i++) {
    const tail = parts.slice(i).join('/');
    if (globs.some((g) => g(tail))) return true;
  }
  return false;
}

export async function countMembers(ctx: CommandContext, paths: string[], opts: { excludes: string[]; skipStore: boolean; live: boolean }): Promise<MemberCount> {
  const globs = matchers(opts.excludes);
  const skipped = [...(opts.skipStore ? [GUEST_STORE] : [])];
  const emptied = opts.live ? PSEUDO.map((d) => `/${d}`) : [];
  const under = (p: string, dir: string) => p === dir || p.startsWith(`${dir}/`);
  const count: MemberCount = { members: 0, files: 0, directories: 0, bytes: 0, unreadable: [] };
  for (const top of paths) {
    for await (const e of walkGuest(ctx.guest, top, { stat: true, signal: ctx.signal, onError: (p) => count.unreadable.push(p) })) {
      if (skipped.some((d) => under(e.path, d))) continue;
      if (emptied.some((d) => e.path.startsWith(`${d}/`))) continue;
      if (excludedByGlob(e.path, globs)) continue;
      count.members++;
      if (e.type === 'file') {
        count.files++;
        count.bytes += e.size;
      } else if (e.type === 'directory') count.directories++;
    }
  }
  return count;
}
