import { posix } from 'node:path';
import { defineCommand } from '../../src/shell/command.js';
import type { Output } from '../../src/shell/output.js';
import { LocalGuestFs } from '../../src/guest/local-fs.js';
import { walkGuest, type WalkEntry } from '../../src/guest/walk.js';
import { runTool } from '../../src/util/run-tool.js';
import { CliError } from '../../src/util/errors.js';
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

/**
 * On a mounted guest, GNU du itself walks the resolved host directory: it never follows
 * symlinks (-P is its default), counts hard links once and is faster than any walk Node can
 * do (one Stats object per file). Paths come back NUL-terminated and are mapped to guest paths.
 */
async function hostDu(fs: LocalGuestFs, start: string, depth: number, signal: AbortSignal, unreadable: string[]): Promise<DuRow[]> {
  const r = fs.hostPathOf(start, true);
  const res = await runTool('du', ['-B1', '-0', '-d', String(depth), '--', r.hostPath], { cancelSignal: signal });
  if (signal.aborted) throw new CliError('cancelled', 'cancelled');
  for (const line of res.stderr.split('\n')) {
    const m = /cannot (?:read directory|access) '(.*)'/.exec(line);
    if (m?.[1]?.startsWith(r.hostPath)) unreadable.push(toGuest(m[1], r.hostPath, start));
  }
  if (res.code !== 0 && unreadable.length === 0) throw new CliError('failed', `du: ${res.stderr.trim() || `exit status ${res.code}`}`);
  const rows = res.stdout
    .split('\0')
    .filter(Boolean)
    .map((rec) => {
      const tab = rec.indexOf('\t');
      return { path: toGuest(rec.slice(tab + 1), r.hostPath, start), size: Number(rec.slice(0, tab)) };
    });
  // du's own order is its traversal order; list like the generic walk: sorted, the start last.
  return rows.sort((a, b) => (a.path === start ? 1 : b.path === start ? -1 : a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

function toGuest(host: string, hostStart: string, guestStart: string): string {
  const rest = host.slice(hostStart.length);
  return rest ? posix.join(guestStart, rest) : guestStart;
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
    const unreadable: string[] = [];
    let rows: DuRow[];
    if (ctx.guest.fs instanceof LocalGuestFs) rows = await hostDu(ctx.guest.fs, start.path, depth, ctx.signal, unreadable);
    else {
      const counter = new DuCounter(start.path, depth);
      const opts = { stat: true, signal: ctx.signal, onError: (p: string) => unreadable.push(p) };
      for await (const e of walkGuest(ctx.guest, start.path, opts)) counter.add(e);
      rows = counter.rows();
    }
    if (unreadable.length > 0) {
      ctx.out.note(`could not read ${unreadable.length} director${unreadable.length === 1 ? 'y' : 'ies'} (first: ${unreadable[0]}): the sizes are too small`);
      ctx.setExitCode(1);
    }
    return rows;
  },
  render(rows: DuRow[], out: Output) {
    out.table(
      ['SIZE', 'PATH'],
      rows.map((r) => [formatSize(r.size), r.path]),
      { rightAlign: [0] },
    );
  },
});
