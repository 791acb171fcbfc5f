import { defineCommand } from '../../src/shell/command.js';
import { upgradeStep } from '../../src/packages/manager-commands.js';
import { DRY_RUN, dryRunOption } from '../../src/shell/dry-run.js';
import { renderPlan, simulatePackages, type PackagePlan } from './_shared/simulate.js';
import type { PackageChanges } from '../../src/packages/package-changes.js';
import type { Output } from '../../src/shell/output.js';
import { TIMEOUT_OPTION, changePackages, packageNames, renderChanges } from './_shared/manager.js';
import { PACKAGE_JOURNAL } from '../../src/change-journal/package-state-trees.js';

export const update = defineCommand({
  name: 'update',
  aliases: ['upgrade'],
  category: 'package-management',
  summary: 'Refresh the package lists and upgrade every package, or only the named ones',
  description:
    "apt-get update then apt-get upgrade (or install --only-upgrade PKG...), dnf/yum upgrade, zypper update, pacman -Syu, apk upgrade, " +
    "with the guest's repositories, in the jail with network offline. No service starts and changed config files are kept. " +
    'With --json: the packages upgraded (from and to) and any newly installed.',
  examples: ['update', 'update openssl libssl3', 'update --timeout 3600', 'update --dry-run'],
  positionals: [{ name: 'PKG', description: 'upgrade only these packages', optional: true, variadic: true, complete: 'none' }],
  options: { ...TIMEOUT_OPTION, ...dryRunOption('list the packages that would be upgraded or installed, with versions (apt-get -s, after refreshing the lists privately), and change nothing') },
  needs: ['exec'],
  mutates: true,
  journal: PACKAGE_JOURNAL,
  async run(ctx, args) {
    const names = packageNames(args.list('PKG'));
    if (args.flag(DRY_RUN)) return simulatePackages(ctx, args.optStr('timeout'), true, (m) => upgradeStep(m, names));
    return changePackages(ctx, args.optStr('timeout'), { refresh: true, detail: names.join(' '), step: (m) => upgradeStep(m, names) });
  },
  render(r: PackageChanges | PackagePlan, out: Output) {
    if ('dryRun' in r) renderPlan(r, out);
    else renderChanges(r, out);
  },
});
