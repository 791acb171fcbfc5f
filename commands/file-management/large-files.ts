import { defineCommand } from '../../src/shell/command.js';
import type { Output } from '../../src/shell/output.js';
import { walkGuest } from '../../src/guest/walk.js';
import { formatSize, parseSize } from '../../src/parsers/size.js';
import { CliError } from '../../src/util/errors.js';
import { parseCount } from '../../src/util/option-values.js';

export interface LargeFile {
  path: string;
  size: number;
}

export const largeFiles = defineCommand({
  name: 'large-files',
  category: 'file-management',
  summary: 'List the biggest regular files under a guest directory',
  description:
    'Walks the tree without following symlinks (mounted guest filesystems such as /boot or /data are included) and ' +
    'lists regular files of at least --min bytes (apparent size), biggest first.',
  examples: ['large-files', 'large-files /var --min 1M', 'large-files / --top 5 --min 100M'],
  positionals: [{ name: 'PATH', optional: true, complete: 'guest-dir', description: 'where to look (default /)' }],
  options: {
    min: { type: 'string', description: 'smallest size to list, e.g. 500K, 10M, 1G (default 10M)', valueName: 'SIZE' },
    top: { type: 'string', short: 'n', description: 'how many files to list (default 20)', valueName: 'N' },
  },
  needs: ['fs'],
  async run(ctx, args) {
    let min: number;
    try {
      min = parseSize(args.optStr('min') ?? '10M');
    } catch (err) {
      throw new CliError('usage', (err as Error).message);
    }
    const top = parseCount(args.optStr('top'), 20, '--top');
    const start = await ctx.guest.fs.stat(ctx.guestPath(args.optStr('PATH') ?? '/'));
    const found: LargeFile[] = [];
    const unreadable: string[] = [];
    for await (const e of walkGuest(ctx.guest, start.path, { stat: true, signal: ctx.signal, onError: (p) => unreadable.push(p) })) {
      if (e.type === 'file' && e.size >= min) found.push({ path: e.path, size: e.size });
    }
    if (unreadable.length > 0) {
      ctx.out.note(`could not read ${unreadable.length} director${unreadable.length === 1 ? 'y' : 'ies'} (first: ${unreadable[0]})`);
      ctx.setExitCode(1);
    }
    found.sort((a, b) => b.size - a.size || (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
    return found.slice(0, top);
  },
  render(rows: LargeFile[], out: Output) {
    if (rows.length === 0) {
      out.line('no files that large');
      return;
    }
    out.table(
      ['SIZE', 'PATH'],
      rows.map((r) => [formatSize(r.size), r.path]),
      { rightAlign: [0] },
    );
  },
});
