import type { Output } from '../../src/shell/output.js';
import { escapeForTerminal } from '../../src/shell/escape.js';
import { defineCommand } from '../../src/shell/command.js';
import { parseMode } from '../../src/parsers/mode.js';
import { CliError } from '../../src/util/errors.js';
import { cancelled, treePaths } from './_shared/common.js';
import { octalMode } from '../../src/util/format.js';
import { DRY_RUN, dryRunOption, dryRunPlan, isDryRunPlan, renderDryRun, type DryRunPlan } from '../../src/shell/dry-run.js';

function modeOf(spec: string, current: number, isDir: boolean): number {
  try {
    return parseMode(spec, current, isDir);
  } catch (err) {
    throw new CliError('usage', (err as Error).message);
  }
}

export const chmod = defineCommand({
  name: 'chmod',
  category: 'file-management',
  summary: 'Change the permission bits of a guest path (octal or symbolic mode, as chmod(1))',
  description:
    'MODE is octal (0640, 4755) or symbolic (u+x, go-w, a=rX, u=rw,g=r,o=) and is computed exactly as GNU chmod does ' +
    '(no umask). A symlink given as PATH changes the file it points to inside the guest; with -R symlinks found in the tree are skipped, never followed.',
  examples: ['chmod 0600 /root/.ssh/authorized_keys', 'chmod u+x /usr/local/bin/tool', 'chmod -R go-w /srv/www', 'chmod -R go-w /srv/www --dry-run'],
  positionals: [
    { name: 'MODE', description: 'octal or symbolic mode' },
    { name: 'PATH', complete: 'guest-path', description: 'guest path' },
  ],
  options: {
    recursive: { type: 'boolean', short: 'R', description: 'change everything under a directory too (symlinks are not followed)' },
    ...dryRunOption('list each path whose mode would change (old -> new) and change nothing'),
  },
  needs: ['fs'],
  mutates: true,
  async run(ctx, args) {
    const fs = ctx.guest.fs;
    const spec = args.str('MODE');
    modeOf(spec, 0, false); // a bad mode fails before anything changes
    const top = await fs.stat(ctx.guestPath(args.str('PATH')));
    const dryRun = args.flag(DRY_RUN);
    const planned: string[] = [];
    if (!args.flag('recursive')) {
      const mode = modeOf(spec, top.mode, top.type === 'directory');
      if (dryRun) return dryRunPlan(mode === top.mode ? [] : [`chmod ${top.path} ${octalMode(top.mode)} -> ${octalMode(mode)}`]);
      if (mode !== top.mode) await fs.chmod(top.path, mode);
      return { path: top.path, mode: octalMode(mode), previous: octalMode(top.mode) };
    }
    const paths = top.type === 'directory' ? await treePaths(ctx.guest, top.path, ctx.signal) : [{ path: top.path, type: top.type }];
    let changed = 0;
    for (const { path } of paths) {
      cancelled(ctx.signal);
      const st = await fs.lstat(path);
      if (st.type === 'symlink') continue; // replaced by a symlink since the walk: never follow it
      const mode = modeOf(spec, st.mode, st.type === 'directory');
      if (mode === st.mode) continue;
      if (dryRun) {
        planned.push(`chmod ${path} ${octalMode(st.mode)} -> ${octalMode(mode)}`);
        continue;
      }
      await fs.chmod(path, mode);
      changed++;
    }
    if (dryRun) return dryRunPlan(planned);
    return { path: top.path, recursive: true, paths: paths.length, changed };
  },
  render(r: { path: string; mode?: string; previous?: string; recursive?: true; paths?: number; changed?: number } | DryRunPlan, out: Output) {
    if (isDryRunPlan(r)) return renderDryRun(r, out);
    if (r.recursive) out.line(escapeForTerminal(`changed the mode of ${r.changed} of ${r.paths} paths under ${r.path}`));
    else out.line(escapeForTerminal(`mode of ${r.path}: ${r.previous} -> ${r.mode}`));
  },
});
