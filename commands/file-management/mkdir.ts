import type { Output } from '../../src/shell/output.js';
import { defineCommand } from '../../src/shell/command.js';
import { parseMode } from '../../src/parsers/mode.js';
import { CliError } from '../../src/util/errors.js';
import { statOrNull } from '../../src/guest/stat-or-null.js';
import { octalMode } from '../../src/util/format.js';

export const mkdir = defineCommand({
  name: 'mkdir',
  category: 'file-management',
  summary: 'Create a guest directory (root:root, 0755 unless --mode)',
  description:
    'With -p missing parents are created (0755) and an existing directory is not an error. --mode takes an octal or ' +
    'symbolic mode (as chmod, applied to 0777 without a umask) and sets exactly that mode on the new directory only.',
  examples: ['mkdir /srv/app', 'mkdir -p /opt/app/conf.d', 'mkdir --mode 0700 /root/private', 'mkdir -m u=rwx,g=rx /srv/www'],
  positionals: [{ name: 'PATH', complete: 'guest-path', description: 'directory to create' }],
  options: {
    parents: { type: 'boolean', short: 'p', description: 'create missing parent directories; no error if it exists' },
    mode: { type: 'string', short: 'm', description: 'mode of the new directory (octal or symbolic)', valueName: 'MODE' },
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
      return { path: before.path, created: false, mode: octalMode(before.mode) };
    }
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
  render(r: { path: string; created: boolean; mode: string }, out: Output) {
    out.line(r.created ? `created ${r.path} (${r.mode})` : `${r.path} already exists`);
  },
});
