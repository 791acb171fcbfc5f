import { posix } from 'node:path';
import { defineCommand, type CommandContext } from '../../src/shell/command.js';
import type { Output } from '../../src/shell/output.js';
import { LocalGuestFs } from '../../src/guest/local-fs.js';
import { runTool } from '../../src/util/run-tool.js';
import { CliError } from '../../src/util/errors.js';
import { formatSize } from '../../src/parsers/size.js';
import { parseCount } from '../../src/util/option-values.js';

export interface DuRow {
  path: string;
  /** Bytes allocated on disk (st_blocks * 512), hard-linked files counted once. */
  size: number;
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
  return duRows(res.code, res.stdout, res.stderr, '\0', 1, r.hostPath, start, unreadable);
}

/**
 * On a running guest, the guest's own du (GNU: bytes, NUL-separated; busybox, which knows
 * neither -B nor -0: KiB per line, so a name with a newline cannot be told apart and fails).
 * Both count st_blocks and each hard-linked inode once, and never follow symlinks.
 */
async function guestDu(ctx: CommandContext, start: string, depth: number, unreadable: string[]): Promise<DuRow[]> {
  const exec = (argv: string[]) => ctx.guest.exec(argv, { env: { LC_ALL: 'C' }, signal: ctx.signal });
  const gnu = await exec(['du', '-B1', '-0', '-d', String(depth), '--', start]);
  if (gnu.code === 127) throw new CliError('missing-tool', `du: not found in the guest (${firstLine(gnu.stderr)})`);
  if (gnu.code !== 0 && gnu.stdout === '' && /unrecognized option|invalid option|unknown option/i.test(gnu.stderr)) {
    const bb = await exec(['du', '-k', '-d', String(depth), '--', start]);
    ctx.out.note("the guest's du knows no -B1/-0 (busybox): sizes are counted in KiB");
    return duRows(bb.code, bb.stdout, bb.stderr, '\n', 1024, start, start, unreadable);
  }
  return duRows(gnu.code, gnu.stdout, gnu.stderr, '\0', 1, start, start, unreadable);
}

/** du's "SIZE<TAB>PATH" records; unreadable directories named on stderr are collected. */
function duRows(code: number, stdout: string, stderr: string, sep: string, unit: number, hostStart: string, start: string, unreadable: string[]): DuRow[] {
  for (const line of stderr.split('\n')) {
    const m = /cannot (?:read directory|access) '(.*)'/.exec(line) ?? /can't (?:open|read directory) '(.*)'/.exec(line);
    if (m?.[1]?.startsWith(hostStart)) unreadable.push(toGuest(m[1], hostStart, start));
  }
  if (code !== 0 && unreadable.length === 0) throw new CliError('failed', `du: ${firstLine(stderr) || `exit status ${code}`}`);
  const rows = stdout
    .split(sep)
    .filter(Boolean)
    .map((rec) => {
      const tab = rec.indexOf('\t');
      const size = rec.slice(0, tab);
      if (tab < 1 || !/^\d+$/.test(size)) throw new CliError('failed', `du: unexpected output line: ${JSON.stringify(rec.slice(0, 80))}`);
      return { path: toGuest(rec.slice(tab + 1), hostStart, start), size: Number(size) * unit };
    });
  // du's own order is its traversal order; list sorted, the start last.
  return rows.sort((a, b) => (a.path === start ? 1 : b.path === start ? -1 : a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

const firstLine = (t: string) => t.split('\n').map((l) => l.trim()).find(Boolean) ?? '';

function toGuest(host: string, hostStart: string, guestStart: string): string {
  const rest = host.slice(hostStart.length);
  return rest ? posix.join(guestStart, rest) : guestStart;
}

export const diskUsage = defineCommand({
  name: 'disk-usage',
  aliases: ['du'],
  category: 'file-management',
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
    const depth = parseCount(args.optStr('depth'), 0, '--depth', { min: 0 });
    const start = await ctx.guest.fs.stat(ctx.guestPath(args.optStr('PATH') ?? '/'));
    const unreadable: string[] = [];
    let rows: DuRow[];
    if (ctx.guest.fs instanceof LocalGuestFs) rows = await hostDu(ctx.guest.fs, start.path, depth, ctx.signal, unreadable);
    else rows = await guestDu(ctx, start.path, depth, unreadable);
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
