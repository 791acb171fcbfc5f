// Options and checks the cleanup commands share.
import type { CommandContext } from '../../../src/shell/command.js';
import { isManagerName, type ManagerName } from '../../../src/packages/manager-commands.js';
import { CliError } from '../../../src/util/errors.js';
import { parseCount } from '../../../src/util/option-values.js';
import { dryRunOption } from '../../../src/shell/dry-run.js';

export const CLEANUP_DRY_RUN = dryRunOption('list what would go (paths and sizes) and change nothing');

export function days(text: string | undefined): number | null {
  return text === undefined ? null : parseCount(text, 0, '--older-than', { min: 0, max: 100_000 });
}

export function cacheManager(ctx: CommandContext): ManagerName {
  const m = ctx.guest.os.packageManager;
  if (isManagerName(m)) return m;
  throw new CliError('unsupported', m ? `cleaning the package cache: package manager ${m} is not supported` : 'cleaning the package cache: no package manager found in the guest (apt, dnf, yum, zypper, pacman or apk)');
}

/** Run a guest command that must succeed. */
export async function runChecked(ctx: CommandContext, argv: string[]): Promise<void> {
  const r = await ctx.guest.exec(argv, { env: { LC_ALL: 'C' }, signal: ctx.signal, timeoutMs: 600_000 });
  if (r.code === 127) throw new CliError('missing-tool', `${argv[0]}: not found in the guest`);
  if (r.code !== 0) throw new CliError('failed', `${argv.join(' ')} failed in the guest: ${`${r.stderr}\n${r.stdout}`.trim().split('\n').pop() || `exit status ${r.code}`}`);
}
