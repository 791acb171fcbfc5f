import { defineCommand, type CommandContext } from '../../src/shell/command.js';
import type { Output } from '../../src/shell/output.js';
import type { DiskUsage, DiskUsageRow } from '../../src/guest/types.js';
import { parseDuOutput } from '../../src/parsers/du-output.js';
import { firstLine } from '../../src/util/run-tool.js';
import { CliError } from '../../src/util/errors.js';
import { formatSize } from '../../src/parsers/size.js';
import { parseCount } from '../../src/util/option-values.js';

/**
 * On a running guest, the guest's own du (GNU: bytes, NUL-separated; busybox, which knows
 * neither -B nor -0: KiB per line, so a name with a newline cannot be told apart and fails).
 * Both count st_blocks and each hard-linked inode once, and never follow symlinks.
 */
async function guestDu(ctx: CommandContext, start: string, depth: number): Promise<DiskUsage> {
  const exec = (argv: string[]) => ctx.guest.exec(argv, { env: { LC_ALL: 'C' }, signal: ctx.signal });
  const gnu = await exec(['du', '-B1', '-0', '-d', String(depth), '--', start]);
  if (gnu.code === 127) throw new CliError('missing-tool', `du: not found in the guest (${firstLine(gnu.stderr)})`);
  if (gnu.code !== 0 && gnu.stdout === '' && /unrecognized option|invalid option|unknown option/i.test(gnu.stderr)) {
    const bb = await exec(['du', '-k', '-d', String(depth), '--', start]);
    ctx.out.note("the guest's du knows no -B1/-0 (busybox): sizes are counted in KiB");
    return parseDuOutput({ code: bb.code, stdout: bb.stdout, stderr: bb.stderr, sep: '\n', unit: 1024, hostStart: start, start });
  }
  return parseDuOutput({ code: gnu.code, stdout: gnu.stdout, stderr: gnu.stderr, sep: '\0', unit: 1, hostStart: start, start });
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
    const fs = ctx.guest.fs;
    const { rows, unreadable } = fs.diskUsage ? await fs.diskUsage(start.path, depth, ctx.signal) : await guestDu(ctx, start.path, depth);
    if (unreadable.length > 0) {
      ctx.out.note(`could not read ${unreadable.length} director${unreadable.length === 1 ? 'y' : 'ies'} (first: ${unreadable[0]}): the sizes are too small`);
      ctx.setExitCode(1);
    }
    return rows;
  },
  render(rows: DiskUsageRow[], out: Output) {
    out.table(
      ['SIZE', 'PATH'],
      rows.map((r) => [formatSize(r.size), r.path]),
      { rightAlign: [0] },
    );
  },
});
