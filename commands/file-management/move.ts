import { posix } from 'node:path';
import type { Output } from '../../src/shell/output.js';
import { escapeForTerminal } from '../../src/shell/escape.js';
import { defineCommand } from '../../src/shell/command.js';
import { CliError, describeError } from '../../src/util/errors.js';
import { destinationFor, isInside, mountsAtOrBelow } from './_shared/common.js';
import { copyInto, planTree } from './_shared/copy-tree.js';
import { DRY_RUN, dryRunOption, dryRunPlan, isDryRunPlan, renderDryRun, type DryRunPlan } from '../../src/shell/dry-run.js';

export const move = defineCommand({
  name: 'move',
  aliases: ['mv'],
  category: 'file-management',
  summary: 'Move or rename a guest file or directory (also across guest filesystems)',
  description:
    'A rename inside one filesystem is atomic. A symlink is moved itself, never its target. When DST is an existing ' +
    'directory SRC goes into it under its own name. Across filesystems (e.g. / to /boot) the source is copied ' +
    '(mode, owner, group and symlinks kept) under a temporary name, renamed into place, and only then deleted.',
  examples: ['move /etc/app.conf /etc/app.conf.old', 'mv /root/notes.txt /home/alice/', 'move /var/log/big.log /data/', 'mv /root/notes.txt /home/alice/ --dry-run'],
  positionals: [
    { name: 'SRC', complete: 'guest-path', description: 'guest file, directory or symlink' },
    { name: 'DST', complete: 'guest-path', description: 'new path, or an existing directory to move into' },
  ],
  options: { ...dryRunOption('say what would be moved where (and what it would replace) and move nothing') },
  needs: ['fs'],
  mutates: true,
  async run(ctx, args) {
    const fs = ctx.guest.fs;
    const src = await fs.lstat(ctx.guestPath(args.str('SRC')));
    if (src.path === '/') throw new CliError('refused', 'refusing to move the guest root');
    const dst = await destinationFor(fs, ctx.guestPath(args.str('DST')), posix.basename(src.path));
    const target = dst.path;
    const existing = dst.existing;
    if (target === src.path) throw new CliError('refused', `${src.path} and ${target} are the same file`);
    if (src.type === 'directory' && isInside(target, src.path)) throw new CliError('refused', `cannot move directory ${src.path} into itself (${target})`);
    if (existing) {
      if (src.type === 'directory' && existing.type !== 'directory') throw new CliError('refused', `cannot overwrite non-directory ${target} with directory ${src.path}`);
      if (src.type !== 'directory' && existing.type === 'directory') throw new CliError('refused', `cannot overwrite directory ${target} with non-directory ${src.path}`);
      if (existing.type === 'directory' && (await fs.list(target)).length > 0) throw new CliError('refused', `cannot move ${src.path} onto ${target}: directory not empty`);
    }
    const busy = mountsAtOrBelow(ctx.guest, src.path);
    if (busy.length > 0) throw new CliError('refused', `${src.path} is or contains a mount point (${busy.join(', ')}): umount it first`);

    if (args.flag(DRY_RUN)) return dryRunPlan([`move ${src.type} ${src.path} to ${target}${existing ? ` (replacing the existing ${existing.type})` : ''}`]);
    let copied = false;
    try {
      await fs.rename(src.path, target);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EXDEV') throw err;
      // Another filesystem: copy (built under a temporary name, renamed into place), then delete.
      const items = await planTree(fs, src, ctx.signal);
      await copyInto(fs, items, target, ctx.signal, ctx.out);
      copied = true;
      try {
        await fs.remove(src.path, { recursive: src.type === 'directory' });
      } catch (rmErr) {
        throw new CliError('failed', `copied ${src.path} to ${target}, but could not remove the source: ${describeError(rmErr)}`);
      }
    }
    return { source: src.path, destination: target, replaced: existing !== null, acrossFilesystems: copied };
  },
  render(r: { source: string; destination: string; acrossFilesystems: boolean } | DryRunPlan, out: Output) {
    if (isDryRunPlan(r)) return renderDryRun(r, out);
    out.line(escapeForTerminal(`moved ${r.source} to ${r.destination}${r.acrossFilesystems ? ' (copied across filesystems)' : ''}`));
  },
});
