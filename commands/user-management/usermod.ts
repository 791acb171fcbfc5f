import type { Output } from '../../src/shell/output.js';
import { defineCommand } from '../../src/shell/command.js';
import { loadAccounts } from '../../src/users/accounts.js';
import { accountBackend } from '../../src/users/backend.js';
import { planModUser } from '../../src/users/plan-modify.js';
import { ACCOUNTS_DRY_RUN, notes, shellNote, dryRunResult, isDryRun, renderDryRun, type DryRunResult } from './_shared/common.js';
import { DRY_RUN } from '../../src/shell/dry-run.js';

export const usermod = defineCommand({
  name: 'usermod',
  category: 'user-management',
  summary: "Change a user's groups, shell, home (optionally moving it), comment, or lock state",
  description:
    'Group changes edit the member lists of /etc/group and /etc/gshadow. --home changes the passwd field; with --move-home the ' +
    'directory is moved too (renamed, or copied with owners and modes then removed when it crosses filesystems), and the files are ' +
    'only written once the move worked. --lock/--unlock put or take the \'!\' in front of the password hash.',
  examples: [
    'usermod alice --add-groups sudo,adm',
    'usermod alice --remove-groups adm',
    'usermod alice --shell /bin/bash --comment "Alice Example"',
    'usermod alice --home /srv/alice --move-home',
    'usermod alice --lock',
  ],
  positionals: [{ name: 'USER', description: 'the login name', complete: 'none' }],
  options: {
    'add-groups': { type: 'string', valueName: 'a,b', multiple: true, description: 'add to these supplementary groups' },
    'remove-groups': { type: 'string', valueName: 'a,b', multiple: true, description: 'remove from these supplementary groups' },
    shell: { type: 'string', valueName: 'SH', description: 'new login shell' },
    home: { type: 'string', valueName: 'DIR', description: 'new home directory' },
    'move-home': { type: 'boolean', description: 'move the old home directory to the new one (with --home)' },
    lock: { type: 'boolean', description: 'lock the password' },
    unlock: { type: 'boolean', description: 'unlock the password' },
    comment: { type: 'string', valueName: 'TEXT', description: 'new GECOS field' },
    ...ACCOUNTS_DRY_RUN,
  },
  needs: ['fs'],
  mutates: true,
  async run(ctx, args) {
    const files = await loadAccounts(ctx.guest);
    const op = planModUser(files, {
      name: args.str('USER'),
      addGroups: args.list('add-groups'),
      removeGroups: args.list('remove-groups'),
      shell: args.optStr('shell'),
      home: args.optStr('home'),
      moveHome: args.flag('move-home'),
      lock: args.flag('lock'),
      unlock: args.flag('unlock'),
      comment: args.optStr('comment'),
    });
    const shell = args.optStr('shell');
    const warning = shell !== undefined ? await shellNote(ctx, shell) : null;
    notes(ctx, [...op.notes, ...(warning ? [warning] : [])]);
    if (args.flag(DRY_RUN)) return dryRunResult(op.changes, op.moveHomeTo ? [`move ${op.oldHome} to ${op.moveHomeTo}`] : []);
    if (op.changes.length === 0 && op.moveHomeTo === null) {
      return { user: op.name, changed: false, changes: [] };
    }
    const done = await accountBackend(ctx.guest).modifyUser(op, ctx.signal);
    notes(ctx, done.notes);
    return { user: op.name, changed: true, changes: op.summary, homeMoved: done.homeMoved ?? false, files: op.changes.map((c) => c.path) };
  },
  render(r: DryRunResult | { user: string; changed: boolean; changes: string[] }, out: Output) {
    if (isDryRun(r)) return renderDryRun(r, out);
    out.line(r.changed ? `modified ${r.user}: ${r.changes.join(', ')}` : `no changes for ${r.user}`);
  },
});
