import { defineCommand } from '../../src/shell/command.js';
import { removeStep } from '../../src/packages/manager-commands.js';
import { runManagerStep } from '../../src/packages/run-step.js';
import { TIMEOUT_OPTION, checkPackageNames, comparedAround, guestManager, renderChanges, timeoutMs } from './_shared/manager.js';

export const remove = defineCommand({
  name: 'remove',
  aliases: ['uninstall'],
  category: 'package-management',
  summary: "Remove packages with the guest's own package manager",
  description:
    'apt-get remove (--purge: apt-get purge, which also deletes their configuration files), dnf/yum remove, zypper remove, ' +
    "pacman -R (--purge: -Rns), apk del (--purge: also their configuration). Needs no network. No service is stopped or started " +
    'offline. With --json: the packages removed, with versions.',
  examples: ['remove hello', 'remove --purge apache2', 'remove nano vim-tiny'],
  positionals: [{ name: 'PKG', description: 'package names', variadic: true, complete: 'none' }],
  options: {
    purge: { type: 'boolean', description: 'also delete their configuration files' },
    ...TIMEOUT_OPTION,
  },
  needs: ['exec'],
  mutates: true,
  async run(ctx, args) {
    const m = guestManager(ctx);
    const timeout = timeoutMs(args.optStr('timeout'));
    const names = args.list('PKG');
    checkPackageNames(names);
    return comparedAround(ctx, async () => {
      await runManagerStep(ctx, removeStep(m, names, args.flag('purge')), { timeoutMs: timeout, detail: names.join(' ') });
    });
  },
  render: renderChanges,
});
