import type { Output } from '../../src/shell/output.js';
import { defineCommand } from '../../src/shell/command.js';
import { CliError } from '../../src/util/errors.js';
import { daysSinceEpoch } from '../../src/parsers/shadow.js';
import { loadAccounts } from '../../src/users/accounts.js';
import { accountBackend } from '../../src/users/backend.js';
import { guestHashMethod, hashPassword, passwordFromFile, passwordFromPrompt, type HashResult } from '../../src/users/password.js';
import { planPassword, type PasswordAction } from '../../src/users/plan-modify.js';
import { requireUser } from '../../src/users/plan-common.js';
import { ACCOUNTS_DRY_RUN, notes, oneOf, dryRunResult, isDryRun, renderDryRun, type DryRunResult } from './_shared/common.js';
import { DRY_RUN } from '../../src/shell/dry-run.js';

const DONE: Record<PasswordAction['kind'], string> = {
  set: 'set',
  lock: 'locked',
  unlock: 'unlocked',
  expire: 'expired (must be changed at the next login)',
  delete: 'deleted (the account has no password now)',
};

export const passwd = defineCommand({
  name: 'passwd',
  category: 'user-management',
  summary: "Set, lock, unlock, expire or delete a user's password (hashed the guest's own way)",
  description:
    'The new password is asked twice without echo on a terminal, or read from the first line of a HOST file or pipe with --password-file ' +
    "(never from the command line). It is hashed with the guest's method: the pam_unix option of its PAM password stack, else " +
    "ENCRYPT_METHOD in /etc/login.defs; yescrypt is computed by the host's mkpasswd (whois), else the guest's own libcrypt (mkpasswd, " +
    'perl or python3), the password always on stdin; SHA-512/SHA-256 by guestctl, always with a fresh salt from a CSPRNG. ' +
    'Ctrl-C or a failing hash tool changes nothing. --lock/--unlock/--expire/--delete work as in passwd(1).',
  examples: ['passwd alice', 'passwd alice --password-file ./alice.pw', 'passwd alice --lock', 'passwd alice --expire'],
  positionals: [{ name: 'USER', description: 'the login name', complete: 'none' }],
  options: {
    'password-file': { type: 'string', valueName: 'HOSTFILE', hostPath: true, secret: true, description: 'host file whose first line is the new password' },
    lock: { type: 'boolean', description: "lock the password ('!' in front of the hash)" },
    unlock: { type: 'boolean', description: 'unlock a locked password' },
    expire: { type: 'boolean', description: 'force a change at the next login (last change = 0)' },
    delete: { type: 'boolean', description: 'remove the password (empty field: login without one)' },
    ...ACCOUNTS_DRY_RUN,
  },
  needs: ['fs'],
  mutates: true,
  journal: { trees: [] },
  async run(ctx, args) {
    const user = args.str('USER');
    const pwFile = args.optStr('password-file');
    const flag = oneOf({ 'password-file': pwFile !== undefined, lock: args.flag('lock'), unlock: args.flag('unlock'), expire: args.flag('expire'), delete: args.flag('delete') });
    const files = await loadAccounts(ctx.guest);
    requireUser(files, user); // before asking for a password
    let action: PasswordAction;
    let hashed: HashResult | undefined;
    if (flag === undefined || flag === 'password-file') {
      const pw = pwFile !== undefined ? await passwordFromFile(pwFile, ctx.signal) : await passwordFromPrompt(ctx.prompt, user);
      try {
        hashed = await hashPassword(ctx.guest, pw, await guestHashMethod(ctx.guest, files.loginDefs), ctx.signal);
      } finally {
        pw.fill(0);
      }
      action = { kind: 'set', hash: hashed.hash };
    } else {
      action = { kind: flag as Exclude<PasswordAction['kind'], 'set'> } as PasswordAction;
    }
    const op = planPassword(files, user, action, daysSinceEpoch());
    notes(ctx, [...(hashed?.notes ?? []), ...op.notes]);
    if (args.flag(DRY_RUN)) return dryRunResult(op.changes, []);
    if (op.changes.length === 0) {
      return { user, action: op.action, changed: false };
    }
    if (ctx.signal.aborted) throw new CliError('cancelled', 'cancelled: nothing changed');
    const done = await accountBackend(ctx.guest).setPassword(op, ctx.signal);
    notes(ctx, done.notes);
    return { user, action: op.action, changed: true, ...(hashed ? { hashMethod: hashed.method, hashedBy: hashed.via } : {}) };
  },
  render(r: DryRunResult | { user: string; action: keyof typeof DONE; changed: boolean; hashMethod?: string; hashedBy?: string }, out: Output) {
    if (isDryRun(r)) return renderDryRun(r, out);
    if (!r.changed) out.line(`no change to the password of ${r.user}`);
    else out.line(`password of ${r.user} ${DONE[r.action]}${r.hashMethod ? ` (${r.hashMethod}, computed by ${r.hashedBy})` : ''}`);
  },
});
