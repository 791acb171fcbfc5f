import type { Output } from '../../src/shell/output.js';
import { escapeForTerminal } from '../../src/shell/escape.js';
import { defineCommand } from '../../src/shell/command.js';
import { CliError } from '../../src/util/errors.js';
import { mountsAtOrBelow } from './_shared/common.js';
import { planTree, summarize } from './_shared/copy-tree.js';
import { DRY_RUN, dryRunOption, dryRunPlan, isDryRunPlan, renderDryRun, type DryRunPlan } from '../../src/shell/dry-run.js';

/**
 * Paths `delete` refuses without --force: every top-level entry of the guest (/etc, /usr,
 * /boot, /bin -> usr/bin, ...) and every entry directly under /usr (/usr/bin, /usr/lib, ...).
 */
function isProtected(canonical: string): boolean {
  const parts = canonical.split('/').filter(Boolean);
  return parts.length === 1 || (parts.length === 2 && parts[0] === 'usr');
}

export const del = defineCommand({
  name: 'delete',
  aliases: ['rm'],
  category: 'file-management',
  summary: 'Delete a guest file, symlink or (with -r) directory tree',
  description:
    'A symlink is deleted itself, never its target. Refuses the guest root always, a mount point (umount it first), ' +
    'and top-level paths (/etc, /usr, /boot, /home, ...) and /usr/* (/usr/bin, /usr/lib, ...) unless --force is given. ' +
    'There is deliberately no -f short form.',
  examples: ['delete /etc/app.conf.old', 'rm -r /var/cache/apt/archives/partial', 'delete -r --force /opt', 'rm -r /var/cache/apt/archives --dry-run'],
  positionals: [{ name: 'PATH', complete: 'guest-path', description: 'guest path' }],
  options: {
    recursive: { type: 'boolean', short: 'r', description: 'delete a directory and everything in it (symlinks inside are not followed)' },
    force: { type: 'boolean', description: 'allow deleting a top-level system path such as /opt or /usr/share' },
    ...dryRunOption('say what would be deleted (for a directory: how many files, directories and symlinks, and their size) and delete nothing'),
  },
  needs: ['fs'],
  mutates: true,
  async run(ctx, args) {
    const fs = ctx.guest.fs;
    const st = await fs.lstat(ctx.guestPath(args.str('PATH')));
    const path = st.path;
    if (path === '/') throw new CliError('refused', 'refusing to delete the guest root');
    if (isProtected(path) && !args.flag('force')) {
      throw new CliError('refused', `refusing to delete ${path}: a top-level system path (add --force if you really mean it)`);
    }
    // A running guest's mounts change under us: its fs.remove checks the live mount table itself.
    const busy = ctx.guest.kind === 'live' ? [] : mountsAtOrBelow(ctx.guest, path);
    if (busy.length > 0) throw new CliError('refused', `${path} is or contains a mount point (${busy.join(', ')}): umount it first`);
    if (st.type === 'directory' && !args.flag('recursive')) throw new CliError('usage', `${path} is a directory (use delete -r)`);
    if (args.flag(DRY_RUN)) {
      if (st.type !== 'directory') return dryRunPlan([`delete ${st.type} ${path}${st.type === 'file' ? ` (${st.size} bytes)` : ''}`]);
      const s = summarize(await planTree(fs, st, ctx.signal));
      return dryRunPlan([`delete directory ${path} with everything in it: ${s.files} files, ${s.directories} directories (itself included), ${s.symlinks} symlinks, ${s.bytes} bytes`]);
    }
    await fs.remove(path, { recursive: st.type === 'directory' });
    return { path, type: st.type };
  },
  render(r: { path: string; type: string } | DryRunPlan, out: Output) {
    if (isDryRunPlan(r)) return renderDryRun(r, out);
    out.line(escapeForTerminal(`deleted ${r.path}${r.type === 'directory' ? ' (directory)' : r.type === 'symlink' ? ' (symlink)' : ''}`));
  },
});
