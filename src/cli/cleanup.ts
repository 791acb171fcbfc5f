import { CliError } from '../util/errors.js';
import { parseArgv } from '../util/cli-args.js';
import { DRY_RUN, dryRunOption } from '../shell/dry-run.js';
import type { CleanupOptions } from '../resources/cleanup.js';
import { usage } from './help.js';
import { defineCliCommand } from './spec.js';

const options = dryRunOption('list what would be released, release nothing');

const cleanup = defineCliCommand<CleanupOptions>({
  name: 'cleanup',
  summary: 'remove what a killed session left behind (mounts, loop devices, daemons)',
  description: `Reads the state files of sessions whose process is gone ($GUESTCTL_STATE_DIR, else /run/guestctl
for root, else $XDG_RUNTIME_DIR/guestctl) and releases only what still matches the record.`,
  options,
  examples: ['guestctl cleanup', 'guestctl cleanup --dry-run'],
  parse: parseCleanupArgs,
  async run(opts) {
    const { runCleanup } = await import('../resources/cleanup.js');
    return runCleanup(opts);
  },
});
export default cleanup;

export function parseCleanupArgs(argv: string[]): CleanupOptions {
  const parsed = parseArgv(argv, options, usage(cleanup));
  if (parsed.positionals.length > 0) throw new CliError('usage', `unknown argument '${parsed.positionals[0]}': usage: ${usage(cleanup)}`);
  return { dryRun: parsed.values[DRY_RUN] === true };
}
