import { defineCommand } from '../../src/shell/command.js';
import { DRY_RUN } from '../../src/shell/dry-run.js';
import { measureFreed } from './_shared/free-space.js';
import { removeItems } from './_shared/guest-paths.js';
import { CLEANUP_DRY_RUN, days } from './_shared/options.js';
import { renderReport, report, type CleanupReport } from './_shared/report.js';
import { LIVE_TEMP_DAYS, TEMP_DIRS, tempItems } from './_shared/temp-files.js';

export const cleanTemp = defineCommand({
  name: 'clean-temp',
  category: 'system-cleanup',
  summary: 'Remove the content of /tmp and /var/tmp (the directories stay, with their mode)',
  description:
    'Symlinks are removed as links, never followed. --older-than DAYS keeps what was modified more recently and removes only files (directories stay). ' +
    `On a running guest, where programs may be using their temporary files, it removes only files older than ${LIVE_TEMP_DAYS} days unless --older-than says otherwise, ` +
    'and never sockets or FIFOs. Reports the bytes freed as the filesystems count them (the guest\'s df before and after).',
  examples: ['clean-temp', 'clean-temp --dry-run', 'clean-temp --older-than 7'],
  options: {
    'older-than': { type: 'string', valueName: 'DAYS', description: 'only files not modified for DAYS days' },
    ...CLEANUP_DRY_RUN,
  },
  needs: ['fs', 'exec'],
  mutates: true,
  journal: { trees: [] },
  async run(ctx, args): Promise<CleanupReport> {
    let age = days(args.optStr('older-than'));
    if (age === null && ctx.guest.kind === 'live') {
      age = LIVE_TEMP_DAYS;
      ctx.out.note(`running guest: only files older than ${LIVE_TEMP_DAYS} days go (--older-than DAYS to choose)`);
    }
    const items = await tempItems(ctx.guest, age, ctx.signal);
    if (args.flag(DRY_RUN)) return report(true, items, []);
    const m = await measureFreed(ctx, TEMP_DIRS, () => removeItems(ctx.guest, items));
    return report(false, items, [], m);
  },
  render: (r: CleanupReport, out) => renderReport(r, out, 'no temporary file to remove'),
});
