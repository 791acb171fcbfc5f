import { defineCommand } from '../../src/shell/command.js';
import { removeStep } from '../../src/packages/manager-commands.js';
import { DRY_RUN, dryRunOption } from '../../src/shell/dry-run.js';
import { renderPlan, simulatePackages, type PackagePlan } from './_shared/simulate.js';
import type { PackageChanges } from '../../src/packages/package-changes.js';
import type { Output } from '../../src/shell/output.js';
import { TIMEOUT_OPTION, changePackages, packageNames, renderChanges } from './_shared/manager.js';
import { PACKAGE_JOURNAL } from '../../src/change-journal/package-state-trees.js';

export const remove = defineCommand({
  name: 'remove',
  aliases: ['uninstall'],
  category: 'package-management',
  summary: "Remove packages with the guest's own package manager",
  description:
    'apt-get remove (--purge: apt-get purge, which also deletes their configuration files), dnf/yum remove, zypper remove, ' +
    "pacman -R (--purge: -Rns), apk del (--purge: also their configuration). Needs no network. No service is stopped or started " +
    'offline. With --json: the packages removed, with versions.',
  examples: ['remove hello', 'remove --purge apache2', 'remove nano vim-tiny', 'remove --purge apache2 --dry-run'],
  positionals: [{ name: 'PKG', description: 'package names', variadic: true, complete: 'none' }],
  options: {
    purge: { type: 'boolean', description: 'also delete their configuration files' },
    ...TIMEOUT_OPTION,
    ...dryRunOption("list the packages that would be removed, with versions (apt-get -s), and change nothing"),
  },
  needs: ['exec'],
  mutates: true,
  journal: PACKAGE_JOURNAL,
  async run(ctx, args) {
    const names = packageNames(args.list('PKG'));
    const purge = args.flag('purge');
    if (args.flag(DRY_RUN)) return simulatePackages(ctx, args.optStr('timeout'), false, (m) => removeStep(m, names, purge));
    return changePackages(ctx, args.optStr('timeout'), { refresh: false, detail: names.join(' '), step: (m) => removeStep(m, names, purge) });
  },
  render(r: PackageChanges | PackagePlan, out: Output) {
    if ('dryRun' in r) renderPlan(r, out);
    else renderChanges(r, out);
  },
});
