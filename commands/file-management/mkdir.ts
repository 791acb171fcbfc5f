import type { Output } from '../../src/shell/output.js';
import { escapeForTerminal } from '../../src/shell/escape.js';
import { defineCommand } from '../../src/shell/command.js';
import { parseMode } from '../../src/parsers/mode.js';
import { CliError } from '../../src/util/errors.js';
import { lstatOrNull, statOrNull } from '../../src/guest/stat-or-null.js';
import type { GuestFs } from '../../src/guest/types.js';
import { octalMode } from '../../src/util/format.js';
import { posix } from 'node:path';
import { DRY_RUN, dryRunOption, dryRunPlan, isDryRunPlan, renderDryRun, type DryRunPlan } from '../../src/shell/dry-run.js';

export const mkdir = defineCommand({
  name: 'mkdir',
  category: 'file-management',
  summary: 'Create a guest directory (root:root, 0755 unless --mode)',
  description:
    'With -p missing parents are created (0755) and an existing directory is not an error. --mode takes an octal or ' +
    'symbolic mode (as chmod, applied to 0777 without a umask) and sets exactly that mode on the new directory only.',
  examples: ['mkdir /srv/app', 'mkdir -p /opt/app/conf.d', 'mkdir --mode 0700 /root/private', 'mkdir -m u=rwx,g=rx /srv/www', 'mkdir -p /opt/app/conf.d --dry-run'],
  positionals: [{ name: 'PATH', complete: 'guest-path', description: 'directory to create' }],
  options: {
    parents: { type: 'boolean', short: 'p', description: 'create missing parent directories; no error if it exists' },
    mode: { type: 'string', short: 'm', description: 'mode of the new directory (octal or symbolic)', valueName: 'MODE' },
    ...dryRunOption('list the directories that would be created, with their mode, and create nothing'),
  },
  needs: ['fs'],
  mutates: true,
  async run(ctx, args) {
    const fs = ctx.guest.fs;
    const path = ctx.guestPath(args.str('PATH'));
    const modeSpec = args.optStr('mode');
    // Validate before creating anything; applied to 0777 plus a set-group-ID inherited from the parent.
    const modeFor = (inherited: number): number => {
      try {
        return modeSpec === undefined ? 0o755 | inherited : parseMode(modeSpec, 0o777 | inherited, true);
      } catch (err) {
        throw new CliError('usage', (err as Error).message);
      }
    };
    modeFor(0);
    const parents = args.flag('parents');
    const before = parents ? await statOrNull(fs, path) : null;
    if (before) {
      if (before.type !== 'directory') throw new CliError('exists', `${before.path} exists and is not a directory`);
      if (args.flag(DRY_RUN)) return dryRunPlan([]);
      return { path: before.path, created: false, mode: octalMode(before.mode) };
    }
    if (args.flag(DRY_RUN)) return dryRunPlan(await plannedDirs(fs, path, parents, modeFor));
    await fs.mkdir(path, { parents });
    const made = await fs.stat(path);
    // mkdir(2) applies the process umask and ignores set-user/group-ID bits: set the mode exactly.
    const mode = modeFor(made.mode & 0o6000);
    if (made.mode !== mode) {
      try {
        await fs.chmod(made.path, mode);
      } catch (err) {
        await fs.remove(made.path).catch(() => undefined); // just created and empty
        throw err;
      }
    }
    return { path: made.path, created: true, mode: octalMode(mode) };
  },
  render(r: { path: string; created: boolean; mode: string } | DryRunPlan, out: Output) {
    if (isDryRunPlan(r)) return renderDryRun(r, out);
    out.line(escapeForTerminal(r.created ? `created ${r.path} (${r.mode})` : `${r.path} already exists`));
  },
});

/** The directories mkdir would create, topmost first: as mkdir(2) would fail, so does the plan. */
async function plannedDirs(fs: GuestFs, path: string, parents: boolean, modeFor: (inherited: number) => number): Promise<string[]> {
  const missing: string[] = [];
  let p = path;
  for (;;) {
    const st = await statOrNull(fs, p);
    if (st) {
      if (st.type !== 'directory') throw new CliError('exists', missing.length === 0 ? `${st.path} exists` : `${st.path} exists and is not a directory`);
      // Named from the existing directory's canonical path: a link in the way is resolved as mkdir would.
      const inherited = st.mode & 0o2000;
      let at = st.path;
      return missing.reverse().map((d, i) => {
        at = posix.join(at, posix.basename(d));
        return `create directory ${at} (${octalMode(i === missing.length - 1 ? modeFor(inherited) : 0o755 | inherited)})`;
      });
    }
    if ((await lstatOrNull(fs, p))?.type === 'symlink') throw new CliError('exists', `${p} exists (a dangling symlink)`);
    missing.push(p);
    if (!parents && missing.length > 1) throw new CliError('not-found', `no such guest directory: ${p} (use mkdir -p)`);
    p = posix.dirname(p);
  }
}
