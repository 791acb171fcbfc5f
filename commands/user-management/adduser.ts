import type { Output } from '../../src/shell/output.js';
import { defineCommand } from '../../src/shell/command.js';
import { daysSinceEpoch } from '../../src/parsers/shadow.js';
import { loadAccounts } from '../../src/users/accounts.js';
import { accountBackend } from '../../src/users/backend.js';
import { guestHashMethod, hashPassword, passwordFromFile, type HashResult } from '../../src/users/password.js';
import { planAddUser, type AddUserRequest } from '../../src/users/plan-add.js';
import { ACCOUNTS_DRY_RUN, idOption, notes, shellNote, dryRunResult, isDryRun, renderDryRun, type DryRunResult } from './_shared/common.js';
import { DRY_RUN } from '../../src/shell/dry-run.js';
import { octalMode } from '../../src/util/format.js';

interface AddUserResult {
  user: string;
  uid: number;
  gid: number;
  group: string;
  privateGroup: boolean;
  groups: string[];
  home: string;
  homeCreated: boolean;
  homeMode: string | null;
  homeFrom: string | null;
  shell: string;
  hashMethod?: string;
  hashedBy?: string;
}

export const adduser = defineCommand({
  name: 'adduser',
  aliases: ['useradd'],
  category: 'user-management',
  summary: "Add a user as the guest's useradd would: next free uid/gid from login.defs, private group, home from /etc/skel",
  description:
    'Reads the rules from the guest: UID_MIN/UID_MAX, SYS_UID_*, GID ranges, USERGROUPS_ENAB, HOME_MODE/UMASK, PASS_* ' +
    'from /etc/login.defs; SHELL, HOME, SKEL, GROUP, INACTIVE, EXPIRE, CREATE_MAIL_SPOOL from /etc/default/useradd. ' +
    "Writes /etc/passwd, /etc/shadow, /etc/group, /etc/gshadow (and /etc/subuid, /etc/subgid when the guest has them) together, " +
    'keeping every other line and each file\'s owner, mode and label. The home is created unless --no-create-home ' +
    '(also for --system accounts). Without --password-file the account is locked until `passwd` sets a password.',
  examples: [
    'adduser alice',
    'adduser alice --groups sudo,users --shell /bin/bash --comment "Alice Example"',
    'adduser deploy --password-file ./deploy.pw',
    'adduser svc --system --home /var/lib/svc --shell /usr/sbin/nologin',
    'adduser bob --uid 1500 --group users --no-create-home --dry-run',
  ],
  positionals: [{ name: 'NAME', description: 'the new login name', complete: 'none' }],
  options: {
    uid: { type: 'string', valueName: 'N', description: 'user ID (default: the next free one, as useradd picks it)' },
    gid: { type: 'string', valueName: 'N', description: 'primary group by gid (an existing group; no private group is made)' },
    group: { type: 'string', valueName: 'G', description: 'primary group by name (an existing group; no private group is made)' },
    groups: { type: 'string', valueName: 'a,b', multiple: true, description: 'supplementary groups (existing; comma-separated)' },
    home: { type: 'string', valueName: 'DIR', description: 'home directory (default: HOME from /etc/default/useradd + NAME)' },
    shell: { type: 'string', valueName: 'SH', description: 'login shell (default: SHELL from /etc/default/useradd)' },
    system: { type: 'boolean', description: 'a system account: uid/gid counted down from SYS_UID_MAX/SYS_GID_MAX, no password aging' },
    comment: { type: 'string', valueName: 'TEXT', description: 'the GECOS field (full name…)' },
    'password-file': { type: 'string', valueName: 'HOSTFILE', hostPath: true, secret: true, description: "host file whose first line is the password (hashed the guest's way)" },
    'no-create-home': { type: 'boolean', description: 'do not create the home directory' },
    ...ACCOUNTS_DRY_RUN,
  },
  needs: ['fs'],
  mutates: true,
  journal: { trees: [] },
  async run(ctx, args) {
    const guest = ctx.guest;
    const files = await loadAccounts(guest);
    const req: AddUserRequest = {
      name: args.str('NAME'),
      uid: idOption(args.optStr('uid'), '--uid'),
      gid: idOption(args.optStr('gid'), '--gid'),
      group: args.optStr('group'),
      groups: args.list('groups'),
      home: args.optStr('home'),
      shell: args.optStr('shell'),
      system: args.flag('system'),
      comment: args.optStr('comment'),
      createHome: !args.flag('no-create-home'),
    };
    const env = { today: daysSinceEpoch() };
    let op = planAddUser(files, req, env); // validates everything before a password is read
    let hashed: HashResult | undefined;
    const pwFile = args.optStr('password-file');
    if (pwFile !== undefined) {
      const pw = await passwordFromFile(pwFile, ctx.signal);
      try {
        hashed = await hashPassword(guest, pw, await guestHashMethod(guest, files.loginDefs), ctx.signal);
      } finally {
        pw.fill(0);
      }
      op = planAddUser(files, { ...req, passwordHash: hashed.hash }, env);
    }
    const shellWarning = await shellNote(ctx, op.shell);
    notes(ctx, [...op.notes, ...(hashed?.notes ?? []), ...(shellWarning ? [shellWarning] : [])]);

    const home = op.createHome;
    if (args.flag(DRY_RUN)) {
      const also = [
        ...(home ? [`create ${home.path} (mode ${octalMode(home.mode)}, owner ${op.uid}:${op.gid}) from ${home.skel}`] : []),
        ...(op.mailSpool ? [`create the mail spool ${op.mailSpool.path}`] : []),
      ];
      return dryRunResult(op.changes, also);
    }

    const done = await accountBackend(guest).addUser(op, ctx.signal);
    notes(ctx, done.notes);
    const homeCreated = done.homeCreated === true;
    const result = {
      user: op.name,
      uid: op.uid,
      gid: op.gid,
      group: op.primaryGroup,
      privateGroup: op.privateGroup,
      groups: op.groups,
      home: op.home,
      homeCreated,
      shell: op.shell,
      comment: op.comment,
      system: op.system,
      password: op.passwordSet ? 'set' : 'locked',
      ...(hashed ? { hashMethod: hashed.method, hashedBy: hashed.via } : {}),
      // The home to create: its mode, and the skeleton it was filled from (null: created empty).
      homeMode: home ? octalMode(home.mode) : null,
      homeFrom: home && done.homeFromSkel ? home.skel : null,
      subuid: op.subuid,
      subgid: op.subgid,
      files: op.changes.map((c) => c.path),
    };
    return result;
  },
  render(r: DryRunResult | AddUserResult, o: Output) {
    if (isDryRun(r)) return renderDryRun(r, o);
    o.line(`added user ${r.user} (uid ${r.uid}, gid ${r.gid} ${r.group}${r.privateGroup ? ', new private group' : ''})`);
    if (r.groups.length > 0) o.line(`  groups:   ${r.groups.join(', ')}`);
    const how = r.homeMode === null ? 'not created' : !r.homeCreated ? 'already there' : r.homeFrom ? `created from ${r.homeFrom}, mode ${r.homeMode}` : `created empty, mode ${r.homeMode}`;
    o.line(`  home:     ${r.home} (${how})`);
    o.line(`  shell:    ${r.shell || '(default)'}`);
    o.line(`  password: ${r.hashMethod ? `set (${r.hashMethod}, computed by ${r.hashedBy})` : `locked until set with: passwd ${r.user}`}`);
  },
});
