import type { Output } from '../../src/shell/output.js';
import { defineCommand } from '../../src/shell/command.js';
import { loadAccounts } from '../../src/users/accounts.js';
import { groupsOf, requireUser, usersOf } from '../../src/users/plan-common.js';

export const groups = defineCommand({
  name: 'groups',
  category: 'user-management',
  summary: "A user's groups (primary first), or every group with its members",
  description:
    "From the guest's /etc/passwd and /etc/group. With USER: its primary group then every group that lists it, as groups(1) " +
    'prints them. Without: each group with its gid, its listed members, and the users whose primary group it is.',
  examples: ['groups', 'groups alice'],
  positionals: [{ name: 'USER', optional: true, description: 'a login name', complete: 'none' }],
  needs: ['fs'],
  async run(ctx, args) {
    const files = await loadAccounts(ctx.guest);
    const users = usersOf(files);
    const all = groupsOf(files);
    const name = args.optStr('USER');
    if (name !== undefined) {
      const u = requireUser(files, name);
      const primary = all.find((g) => g.gid === u.gid);
      const names = [primary?.name ?? String(u.gid), ...all.filter((g) => g.members.includes(name) && g.gid !== u.gid).map((g) => g.name)];
      const unique = [...new Set(names)];
      return { user: name, primary: primary?.name ?? null, gid: u.gid, groups: unique };
    }
    const rows = all.map((g) => ({
      group: g.name,
      gid: g.gid,
      members: g.members,
      primaryFor: users.filter((u) => u.gid === g.gid).map((u) => u.name),
    }));
    return rows;
  },
  render(r: { user: string; groups: string[] } | { group: string; gid: number; members: string[]; primaryFor: string[] }[], out: Output) {
    if (!Array.isArray(r)) {
      out.line(`${r.user} : ${r.groups.join(' ')}`);
      return;
    }
    out.table(
      ['GROUP', 'GID', 'MEMBERS', 'PRIMARY FOR'],
      r.map((g) => [g.group, g.gid, g.members.join(',') || '', g.primaryFor.join(',') || '']),
      { rightAlign: [1] },
    );
  },
});
