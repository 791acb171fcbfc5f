import { defineCommand } from '../../src/shell/command.js';
import { DRY_RUN } from '../../src/shell/dry-run.js';
import { measureFreed } from './_shared/free-space.js';
import { removeItems } from './_shared/guest-paths.js';
import { cacheItems, cachePlan } from './_shared/package-cache.js';
import { CLEANUP_DRY_RUN, cacheManager, runChecked } from './_shared/options.js';
import { renderReport, report, type CleanupReport } from './_shared/report.js';

export const cleanCache = defineCommand({
  name: 'clean-cache',
  category: 'system-cleanup',
  summary: "Empty the package manager's cache with its own clean",
  description:
    "Runs the guest's apt-get clean, dnf clean all, yum clean all or zypper clean --all; on pacman and apk guests the package cache's files " +
    "are removed (pacman -Scc --noconfirm answers its own question with no; apk cache clean needs a configured cache). " +
    "--dry-run lists the files the clean removes. Reports the bytes freed as the filesystems count them (the guest's df before and after).",
  examples: ['clean-cache', 'clean-cache --dry-run'],
  options: { ...CLEANUP_DRY_RUN },
  needs: ['fs', 'exec'],
  mutates: true,
  journal: { trees: [] },
  async run(ctx, args): Promise<CleanupReport> {
    const manager = cacheManager(ctx);
    const plan = cachePlan(manager);
    const items = await cacheItems(ctx.guest, manager, ctx.signal);
    const commands = plan.argv ? [plan.argv.join(' ')] : [];
    if (args.flag(DRY_RUN)) return report(true, items, commands);
    const m = await measureFreed(ctx, plan.dirs, () => (plan.argv ? runChecked(ctx, plan.argv) : removeItems(ctx.guest, items)));
    return report(false, items, commands, m);
  },
  render: (r: CleanupReport, out) => renderReport(r, out, 'the package cache is empty'),
});
