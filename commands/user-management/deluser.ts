import type { Output } from '../../src/shell/output.js';
import { defineCommand } from '../../src/shell/command.js';
import { loadAccounts } from '../../src/users/accounts.js';
import { accountBackend } from '../../src/users/backend.js';
import { homeRefusalOnDisk } from '../../src/users/home-safety.js';
import { planDelUser } from '../../src/users/plan-remove.js';
import { ACCOUNTS_DRY_RUN, notes, dryRunResult, isDryRun, renderDryRun, type DryRunResult } from './_shared/common.js';
import { DRY_RUN } from '../../src/shell/dry-run.js';

export const deluser = defineCommand({
  name: 'deluser',
  aliases: ['userdel'],
  category: 'user-management',
  summary: 'Delete a user from passwd, shadow, group and gshadow (and every member list), as userdel does',
  description:
    "Also removes the user's private group (same name, the user's primary group, no other member, nobody else's primary group) " +
    'and its /etc/subuid and /etc/subgid ranges. --remove-home removes the home directory (a home that is a symlink loses only the link) ' +
    'and the mail spool, as userdel -r does: a home that is a system directory (/usr/sbin, /var, /nonexistent...), shared with or holding ' +
    "another account's home, not owned by the user, or a mount point (or holding one) is kept, with a note; the account is still deleted. uid 0 is never deleted.",
  examples: ['deluser alice', 'deluser alice --remove-home', 'deluser bob --dry-run'],
  positionals: [{ name: 'NAME', description: 'the login name', complete: 'none' }],
  options: {
    'remove-home': { type: 'boolean', description: 'also remove the home directory and mail spool' },
    ...ACCOUNTS_DRY_RUN,
  },
  needs: ['fs'],
  mutates: true,
  async run(ctx, args) {
    const files = await loadAccounts(ctx.guest);
    const op = planDelUser(files, args.str('NAME'), { removeHome: args.flag('remove-home') });
    notes(ctx, op.notes);
    if (args.flag(DRY_RUN)) {
      const keep = op.removeHome ? (op.keepHome ?? (await homeRefusalOnDisk(ctx.guest, op))) : null;
      const home = keep ? `keep the home ${op.home} (${keep})` : `remove the home ${op.home}`;
      return dryRunResult(op.changes, op.removeHome ? [`${home}${op.mailSpool ? `${keep ? ',' : ' and'} remove the mail spool ${op.mailSpool}` : ''}`] : []);
    }
    const done = await accountBackend(ctx.guest).deleteUser(op, ctx.signal);
    notes(ctx, done.notes);
    return {
      user: op.name,
      uid: op.uid,
      removedGroup: op.removedGroup,
      home: op.home,
      homeRemoved: done.homeRemoved ?? null,
      homeKept: done.homeKept ?? null,
      files: op.changes.map((c) => c.path),
    };
  },
  render(r: DryRunResult | { user: string; uid: number; removedGroup: string | null; home: string; homeRemoved: string | null }, out: Output) {
    if (isDryRun(r)) return renderDryRun(r, out);
    out.line(`deleted user ${r.user} (uid ${r.uid})`);
    if (r.removedGroup) out.line(`  removed its private group ${r.removedGroup}`);
    if (r.homeRemoved === 'directory') out.line(`  removed its home ${r.home}`);
  },
});
