import { CliError } from '../../src/util/errors.js';
import { defineCommand } from '../../src/shell/command.js';
import { installStep, type ManagerName } from '../../src/packages/manager-commands.js';
import { PACKAGE_FILE, isHostPackageFile, stagePackageFiles } from '../../src/packages/local-packages.js';
import { DRY_RUN, dryRunOption } from '../../src/shell/dry-run.js';
import { renderPlan, simulatePackages, type PackagePlan } from './_shared/simulate.js';
import type { PackageChanges } from '../../src/packages/package-changes.js';
import type { Output } from '../../src/shell/output.js';
import { TIMEOUT_OPTION, changePackages, packageNames, renderChanges } from './_shared/manager.js';
import { PACKAGE_JOURNAL } from '../../src/change-journal/package-state-trees.js';

export const install = defineCommand({
  name: 'install',
  category: 'package-management',
  summary: "Install packages with the guest's own package manager (apt, dnf, yum, zypper, pacman, apk)",
  description:
    "Offline the manager runs in the jail with network, using the guest's repositories and settings as they are; the lists are " +
    'refreshed first (apt-get update, zypper refresh, pacman -Sy, apk update). No service starts (a deb guest gets a temporary ' +
    "policy-rc.d) and the guest's changed config files are kept. A PKG naming a package file on the host (.deb, .rpm, .apk) is " +
    'copied into the guest and installed from there, its dependencies from the repositories. Live, the same runs through guest-exec. ' +
    "With --json: the packages installed and upgraded, with versions. On failure the error names the step, the cause and the manager's last lines.",
  examples: ['install hello', 'install nginx curl --no-recommends', 'install ./mytool_1.0_amd64.deb', 'install hello --timeout 1800', 'install nginx --dry-run'],
  positionals: [{ name: 'PKG', description: 'package names, or package files on the host', variadic: true, complete: 'none', hostPath: (v: string) => (PACKAGE_FILE.test(v) ? v : undefined) }],
  options: {
    'no-recommends': { type: 'boolean', description: 'do not install recommended packages (apt, dnf, zypper)' },
    ...TIMEOUT_OPTION,
    ...dryRunOption("list the packages that would be installed or upgraded, with versions (apt-get -s), and change nothing"),
  },
  needs: ['exec'],
  mutates: true,
  journal: PACKAGE_JOURNAL,
  async run(ctx, args) {
    const files: string[] = [];
    const names: string[] = [];
    for (const p of args.list('PKG')) ((await isHostPackageFile(p)) ? files : names).push(p);
    packageNames(names);
    const noRecommends = args.flag('no-recommends');
    if (args.flag(DRY_RUN)) {
      if (files.length > 0) throw new CliError('unsupported', `install --dry-run takes package names: ${files[0]} is a host package file, which would have to be copied into the guest`);
      return simulatePackages(ctx, args.optStr('timeout'), true, (m) => installStep(m, names, { noRecommends }));
    }
    const staged = await stagePackageFiles(ctx.guest, files);
    const plan = {
      refresh: true,
      detail: [...names, ...files].join(' '),
      step: (m: ManagerName) => installStep(m, [...names, ...staged.guestPaths], { noRecommends }),
    };
    let result;
    try {
      result = await changePackages(ctx, args.optStr('timeout'), plan);
    } catch (err) {
      await staged.remove().catch((e: Error) => ctx.out.note(e.message));
      throw err;
    }
    await staged.remove();
    return result;
  },
  render(r: PackageChanges | PackagePlan, out: Output) {
    if ('dryRun' in r) renderPlan(r, out);
    else renderChanges(r, out);
  },
});
