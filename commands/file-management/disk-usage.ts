import { posix } from 'node:path';
import { defineCommand } from '../../src/shell/command.js';
import type { Output } from '../../src/shell/output.js';
import { LocalGuestFs } from '../../src/guest/local-fs.js';
import { walkGuest, walkLocal, type WalkEntry } from '../../src/guest/walk.js';
import { formatSize } from '../../src/parsers/size.js';
import { parseCount } from './large-files.js';

export interface DuRow {
  path: string;
  /** Bytes allocated on disk (st_blocks * 512), hard-linked files counted once. */
  size: number;
}

/**
 * du's sums: every entry's allocated bytes added to its directory at depth <= maxDepth
 * (entries deeper than that to their ancestor at maxDepth), then each directory's total
 * added to its parent's. A file with several links counts once (by device and inode).
 */
export class DuCounter {
  private readonly own = new Map<string, number>();
  private readonly seen = new Set<string>();
  private total = 0;
  private readonly prefixLen: number;

  constructor(
    readonly start: string,
    readonly maxDepth: number,
  ) {
    this.prefixLen = start === '/' ? 1 : start.length + 1;
  }

  add(e: WalkEntry): void {
    if (e.nlink !== undefined && e.nlink > 1 && e.type !== 'directory') {
      const key = `${e.dev ?? 0}:${e.inode}`;
      if (this.seen.has(key)) return;
      this.seen.add(key);
    }
    if (this.maxDepth === 0) {
      this.total += e.allocated;
      return;
    }
    let key: string;
    if (e.depth === 0) key = this.start;
    else {
      // The directory this entry is counted in: itself when it is a directory within reach,
      // else its ancestor at depth min(depth - 1, maxDepth).
      const keep = e.type === 'directory' && e.depth <= this.maxDepth ? e.depth : Math.min(e.depth - 1, this.maxDepth);
      if (keep === 0) key = this.start;
      else {
        const rel = e.path.slice(this.prefixLen);
        let cut = -1;
        for (let i = 0; i < keep; i++) {
          cut = rel.indexOf('/', cut + 1);
          if (cut < 0) break;
        }
        key = posix.join(this.start, cut < 0 ? rel : rel.slice(0, cut));
      }
    }
    this.own.set(key, (this.own.get(key) ?? 0) + e.allocated);
  }

  /** Rows in du's order: a directory after everything inside it, the start last. */
  rows(): DuRow[] {
    if (this.maxDepth === 0) return [{ path: this.start, size: this.total }];
    const totals = new Map(this.own);
    totals.set(this.start, totals.get(this.start) ?? 0);
    const byDepth = [...totals.keys()].sort((a, b) => b.split('/').length - a.split('/').length);
    for (const p of byDepth) {
      if (p === this.start) continue;
      const parent = posix.dirname(p);
      totals.set(parent, (totals.get(parent) ?? 0) + totals.get(p)!);
    }
    return [...totals.entries()]
      .map(([path, size]) => ({ path, size }))
      .sort((a, b) => (a.path === this.start ? 1 : b.path === this.start ? -1 : a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  }
}

export const diskUsage = defineCommand({
  name: 'disk-usage',
  aliases: ['du'],
  category: 'File Management',
  summary: 'Disk space used under a guest path, like du -s (or du -d N with --depth)',
  description:
    'Counts allocated blocks as GNU du does (sparse files count what they occupy, a hard-linked file counts once), ' +
    'without following symlinks and including filesystems mounted below PATH. --depth N also lists every directory ' +
    'down to N levels below PATH.',
  examples: ['disk-usage', 'du /var --depth 1', 'disk-usage /usr --depth 2'],
  positionals: [{ name: 'PATH', optional: true, complete: 'guest-path', description: 'where to count (default /)' }],
  options: {
    depth: { type: 'string', short: 'd', description: 'list directories down to N levels below PATH (default 0: the total only)', valueName: 'N' },
  },
  needs: ['fs'],
  async run(ctx, args) {
    const depth = parseCount(args.optStr('depth') ?? '0', 'depth', 0);
    const start = await ctx.guest.fs.stat(ctx.guestPath(args.optStr('PATH') ?? '/'));
    const counter = new DuCounter(start.path, depth);
    const unreadable: string[] = [];
    const opts = { stat: true, signal: ctx.signal, onError: (p: string) => unreadable.push(p) };
    // Host-backed guests: the synchronous walk (no promise per file), as fast as du itself.
    if (ctx.guest.fs instanceof LocalGuestFs) for (const e of walkLocal(ctx.guest.fs, start.path, opts)) counter.add(e);
    else for await (const e of walkGuest(ctx.guest, start.path, opts)) counter.add(e);
    if (unreadable.length > 0) {
      ctx.out.note(`could not read ${unreadable.length} director${unreadable.length === 1 ? 'y' : 'ies'} (first: ${unreadable[0]}): the sizes are too small`);
      ctx.setExitCode(1);
    }
    return counter.rows();
  },
  render(rows: DuRow[], out: Output) {
    out.table(
      ['SIZE', 'PATH'],
      rows.map((r) => [formatSize(r.size), r.path]),
      { rightAlign: [0] },
    );
  },
});
