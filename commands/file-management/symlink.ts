import type { Output } from '../../src/shell/output.js';
import { escapeForTerminal } from '../../src/shell/escape.js';
import { defineCommand } from '../../src/shell/command.js';
import { CliError } from '../../src/util/errors.js';
import { posix } from 'node:path';
import { lstatOrNull } from '../../src/guest/stat-or-null.js';
import { DRY_RUN, dryRunOption, dryRunPlan, isDryRunPlan, renderDryRun, type DryRunPlan } from '../../src/shell/dry-run.js';

export const symlink = defineCommand({
  name: 'symlink',
  aliases: ['ln-s'],
  category: 'file-management',
  summary: 'Create a symbolic link in the guest (the target text is stored as given)',
  description:
    'TARGET is stored verbatim and means what it means inside the guest (an absolute target is relative to the guest root ' +
    'when the guest runs). It need not exist. LINK must not exist.',
  examples: ['symlink /usr/share/zoneinfo/UTC /etc/localtime', 'ln-s ../sites-available/app /etc/nginx/sites-enabled/app', 'symlink /usr/share/zoneinfo/UTC /etc/localtime --dry-run'],
  positionals: [
    { name: 'TARGET', description: 'the text the link holds' },
    { name: 'LINK', complete: 'guest-path', description: 'path of the new link (must not exist)' },
  ],
  options: { ...dryRunOption('show the link that would be created and create nothing') },
  needs: ['fs'],
  mutates: true,
  async run(ctx, args) {
    const fs = ctx.guest.fs;
    const target = args.str('TARGET');
    if (target === '') throw new CliError('usage', 'empty symlink target');
    if (target.includes('\0')) throw new CliError('usage', 'symlink target contains a NUL byte');
    const link = ctx.guestPath(args.str('LINK'));
    if (args.flag(DRY_RUN)) {
      // As symlink(2) would fail: LINK exists, or its directory does not.
      const there = await lstatOrNull(fs, link);
      if (there) throw new CliError('exists', `${there.path} already exists`);
      const dir = await fs.stat(posix.dirname(link));
      if (dir.type !== 'directory') throw new CliError('not-found', `${dir.path} is not a directory`);
      return dryRunPlan([`create symlink ${posix.join(dir.path, posix.basename(link))} -> ${target}`]);
    }
    await fs.symlink(target, link);
    const st = await fs.lstat(link);
    return { path: st.path, target };
  },
  render(r: { path: string; target: string } | DryRunPlan, out: Output) {
    if (isDryRunPlan(r)) return renderDryRun(r, out);
    out.line(escapeForTerminal(`created ${r.path} -> ${r.target}`));
  },
});
