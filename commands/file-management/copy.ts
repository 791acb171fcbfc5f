import { posix } from 'node:path';
import type { Output } from '../../src/shell/output.js';
import { escapeForTerminal } from '../../src/shell/escape.js';
import { defineCommand } from '../../src/shell/command.js';
import type { GuestStat } from '../../src/guest/types.js';
import { CliError } from '../../src/util/errors.js';
import { destinationFor, isInside } from './_shared/common.js';
import { copyInto, planTree, summarize } from './_shared/copy-tree.js';
import { DRY_RUN, dryRunOption, dryRunPlan, isDryRunPlan, renderDryRun, type DryRunPlan } from '../../src/shell/dry-run.js';

export const copy = defineCommand({
  name: 'copy',
  aliases: ['cp'],
  category: 'file-management',
  summary: 'Copy a guest file, or a directory tree with -r, keeping mode, owner and group',
  description:
    'Like cp -a inside the guest: the copy keeps mode, owner and group (not the modification time or extended attributes). ' +
    'When DST is an existing directory the copy goes into it under the source name. A symlinked SRC is followed ' +
    'without -r; with -r symlinks are copied as symlinks and never followed. The copy is built under a temporary ' +
    'name and renamed into place, so an existing file is replaced atomically and a failed copy leaves nothing behind. ' +
    'A directory copy never merges into an existing directory of the same name.',
  examples: ['copy /etc/app.conf /etc/app.conf.orig', 'cp /etc/hosts /root/', 'copy -r /etc/conf.d /root/conf.d.bak', 'cp /etc/hosts /root/ --dry-run'],
  positionals: [
    { name: 'SRC', complete: 'guest-path', description: 'guest file (or directory with -r)' },
    { name: 'DST', complete: 'guest-path', description: 'new path, file to replace, or existing directory to copy into' },
  ],
  options: {
    recursive: { type: 'boolean', short: 'r', description: 'copy directories recursively (symlinks are copied as symlinks)' },
    ...dryRunOption('say what would be copied where (and what it would replace) and copy nothing'),
  },
  needs: ['fs'],
  mutates: true,
  async run(ctx, args) {
    const fs = ctx.guest.fs;
    const recursive = args.flag('recursive');
    const srcArg = ctx.guestPath(args.str('SRC'));
    const link = await fs.lstat(srcArg);
    if (link.path === '/') throw new CliError('refused', 'refusing to copy the guest root');
    // Without -r a symlinked source is followed (cp copies the content); with -r it is copied as a link.
    const src: GuestStat = recursive ? link : await fs.stat(srcArg);
    if (src.type === 'directory' && !recursive) throw new CliError('usage', `${src.path} is a directory (use copy -r)`);
    if (src.type !== 'file' && src.type !== 'directory' && src.type !== 'symlink') {
      throw new CliError('unsupported', `cannot copy ${src.type} special file ${src.path}`);
    }

    const dst = await destinationFor(fs, ctx.guestPath(args.str('DST')), posix.basename(link.path));
    let target = dst.path;
    let existing = dst.existing;
    if (existing?.type === 'symlink' && src.type === 'file') {
      // cp writes through a symlink at the destination (resolved inside the guest), never through a dangling one.
      const through = await fs.stat(target).catch(() => null);
      if (!through) throw new CliError('refused', `not writing through dangling symlink ${target} -> ${existing.symlinkTarget ?? '?'}`);
      target = through.path;
      existing = through;
    }
    if (existing) {
      if (src.type === 'directory') throw new CliError('exists', `${target} already exists (a directory copy never merges into or replaces an existing path)`);
      if (existing.type === 'directory') throw new CliError('refused', `cannot overwrite directory ${target} with a non-directory`);
      if ((await fs.realpath(target)) === (await fs.realpath(src.path))) throw new CliError('refused', `${src.path} and ${target} are the same file`);
    }
    if (src.type === 'directory' && isInside(target, src.path)) throw new CliError('refused', `cannot copy directory ${src.path} into itself (${target})`);

    const items = await planTree(fs, src, ctx.signal);
    if (args.flag(DRY_RUN)) {
      const s = summarize(items);
      const what = src.type === 'directory' ? `${src.path} (${s.files} files, ${s.directories} directories, ${s.symlinks} symlinks, ${s.bytes} bytes)` : `${src.type} ${src.path} (${s.bytes} bytes)`;
      return dryRunPlan([`copy ${what} to ${target}${existing ? ` (replacing the existing ${existing.type})` : ''}`]);
    }
    await copyInto(fs, items, target, ctx.signal, ctx.out);
    const s = summarize(items);
    return { source: src.path, destination: target, replaced: existing !== null, ...s };
  },
  render(r: { source: string; destination: string; files: number; directories: number; symlinks: number } | DryRunPlan, out: Output) {
    if (isDryRunPlan(r)) return renderDryRun(r, out);
    // The copied tree counts its top: a directory copy has at least one directory.
    out.line(escapeForTerminal(
      r.directories > 0
        ? `copied ${r.source} to ${r.destination} (${plural(r.files, 'file')}, ${plural(r.directories, 'directory', 'directories')}, ${plural(r.symlinks, 'symlink')})`
        : `copied ${r.source} to ${r.destination}`,
    ));
  },
});

function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}
