import { defineCommand } from '../../src/shell/command.js';
import { DRY_RUN } from '../../src/shell/dry-run.js';
import { measureFreed } from './_shared/free-space.js';
import { removeItems } from './_shared/guest-paths.js';
import { JOURNAL_DIR, LOG_DIR, journalSize, logItems, vacuumArgv } from './_shared/log-files.js';
import { CLEANUP_DRY_RUN, days, runChecked } from './_shared/options.js';
import { renderReport, report, type CleanupReport } from './_shared/report.js';

export const cleanLogs = defineCommand({
  name: 'clean-logs',
  category: 'system-cleanup',
  summary: 'Remove rotated and old logs under /var/log and vacuum the journal',
  description:
    'Removes rotated and compressed logs (name.1, name.2.gz, name.gz, name.xz, name.old, name-YYYYMMDD); the current logs stay, as the services that write them expect them, ' +
    'unless --older-than DAYS, which also removes every log not modified for DAYS days. --keep-journal SIZE runs the guest\'s own ' +
    `journalctl --directory=${JOURNAL_DIR} --vacuum-size=SIZE (archived journal files go, oldest first). Symlinks are never followed. ` +
    "Reports the bytes freed as the filesystems count them (the guest's df before and after).",
  examples: ['clean-logs', 'clean-logs --dry-run', 'clean-logs --older-than 30 --keep-journal 50M'],
  options: {
    'older-than': { type: 'string', valueName: 'DAYS', description: 'also remove logs not modified for DAYS days' },
    'keep-journal': { type: 'string', valueName: 'SIZE', description: 'vacuum the journal down to SIZE (e.g. 100M)' },
    ...CLEANUP_DRY_RUN,
  },
  needs: ['fs', 'exec'],
  mutates: true,
  journal: { trees: [] },
  async run(ctx, args): Promise<CleanupReport> {
    const keep = args.optStr('keep-journal');
    const vacuum = keep === undefined ? null : vacuumArgv(journalSize(keep));
    const items = await logItems(ctx.guest, days(args.optStr('older-than')), ctx.signal);
    const commands = vacuum && (await ctx.guest.fs.exists(JOURNAL_DIR)) ? [vacuum] : [];
    if (args.flag(DRY_RUN)) return report(true, items, commands.map((c) => c.join(' ')));
    const m = await measureFreed(ctx, [LOG_DIR], async () => {
      await removeItems(ctx.guest, items);
      for (const c of commands) await runChecked(ctx, c);
    });
    return report(false, items, commands.map((c) => c.join(' ')), m);
  },
  render: (r: CleanupReport, out) => renderReport(r, out, 'no log to remove'),
});
