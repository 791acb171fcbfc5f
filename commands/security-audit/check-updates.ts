import { defineCommand } from '../../src/shell/command.js';
import type { Output } from '../../src/shell/output.js';
import { checkUpdates } from '../../src/packages/check-updates/index.js';
import type { PendingUpdate, UpdateCheck } from '../../src/packages/check-updates/types.js';
import { parseSeconds } from '../../src/util/option-values.js';

export const checkUpdatesCommand = defineCommand({
  name: 'check-updates',
  category: 'security-audit',
  summary: 'What an upgrade of the guest would bring, after refreshing its package lists; security updates marked',
  description:
    "Asks the guest's own package manager, with network. apt: `apt-get update`, then `apt-get -s dist-upgrade` (a simulation: " +
    'the whole upgrade, with the new packages it would pull in and the ones it would remove); a candidate from a -security archive ' +
    "is a security update. On a writable guest the guest's own lists are refreshed, as `apt-get update` in the guest would; on a " +
    'read-only one they are fetched into a private directory that disappears with the call, so the image is not written. ' +
    'dnf/yum: `check-update` and `updateinfo list --security`; zypper: `refresh`, `list-updates` and the needed security patches ' +
    "(zypper tells security per patch, not per package); apk: `apk update` and `apk version -l '<'` (no security data). " +
    'pacman is refused: refreshing its sync databases without upgrading is a partial upgrade (see `packages --upgradable`). ' +
    'dnf, yum, zypper and apk keep their metadata in the image, so on a read-only disk image they are refused too.',
  examples: ['check-updates', 'check-updates --security', 'check-updates --timeout 1200'],
  options: {
    security: { type: 'boolean', description: 'only the security updates' },
    timeout: { type: 'string', valueName: 'SECONDS', description: 'give the package manager this long (default 600)' },
  },
  needs: ['exec'],
  // On a writable guest it refreshes the guest's own package lists.
  mayWrite: true,
  async run(ctx, args): Promise<UpdateCheck> {
    const timeoutMs = parseSeconds(args.optStr('timeout'), 600, '--timeout', 24 * 3600) * 1000;
    const check = await checkUpdates({ guest: ctx.guest, signal: ctx.signal, timeoutMs }, { securityOnly: args.flag('security') });
    if (check.securityPatches && check.securityPatches.length > 0)
      ctx.out.note(`${check.securityPatches.length} security patch${check.securityPatches.length === 1 ? '' : 'es'} needed: ${check.securityPatches.join(', ')}`);
    if (!args.flag('security')) return check;
    const security = (u: PendingUpdate) => u.security === true;
    return { ...check, updates: check.updates.filter(security), newPackages: check.newPackages.filter(security) };
  },
  render(r: UpdateCheck, out: Output) {
    const rows = [...r.updates, ...r.newPackages];
    if (rows.length === 0) out.line('no updates');
    else {
      out.table(
        ['NAME', 'ARCH', 'CURRENT', 'CANDIDATE', 'SECURITY', 'FROM'],
        rows.map((u) => [u.name, u.arch, u.current ?? '(new)', u.candidate, u.security === null ? '?' : u.security ? 'yes' : '', u.repository]),
      );
      const sec = rows.filter((u) => u.security === true).length;
      out.line(`${r.updates.length} to upgrade${r.newPackages.length ? `, ${r.newPackages.length} new` : ''}, ${sec} security`);
    }
    if (r.removals.length > 0) out.line(`would remove: ${r.removals.join(' ')}`);
  },
});
