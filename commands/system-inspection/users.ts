import { defineCommand } from '../../src/shell/command.js';
import type { Output } from '../../src/shell/output.js';
import { readOptional } from '../../src/guest/file-changes.js';
import { findGroup, parseGroup } from '../../src/parsers/group.js';
import { idRange, parseLoginDefs } from '../../src/parsers/login-defs.js';
import { parsePasswd, passwdUsers } from '../../src/parsers/passwd.js';
import { dayToIso, findShadow, parseShadow, passwordState, type PasswordState } from '../../src/parsers/shadow.js';
import { CliError } from '../../src/util/errors.js';

export interface UserRow {
  name: string;
  uid: number;
  gid: number;
  group: string | null;
  comment: string;
  home: string;
  shell: string;
  /** locked, no-password, has-password or disabled (the hash itself is never shown). */
  state: PasswordState;
  /** Date of the last password change (YYYY-MM-DD), null when not recorded. */
  lastChange: string | null;
  /** The password must be changed at the next login (passwd --expire). */
  mustChange: boolean;
  /** The account expiry date, if any. */
  expires: string | null;
  system: boolean;
}

export const users = defineCommand({
  name: 'users',
  category: 'system-inspection',
  summary: 'Every account: uid, gid, home, shell, password state (never the hash) and last change',
  description:
    "From the guest's /etc/passwd and /etc/shadow. STATE is locked ('!' in front: passwd -l, or no password set yet), no-password " +
    "(empty field: login without one), has-password (a hash), or disabled ('*' or anything no password can match). " +
    'With --json (session option): one object per account, including `system` (uid below UID_MIN of /etc/login.defs, or nobody), ' +
    '`mustChange` (passwd --expire) and `expires` (account expiry date).',
  examples: ['users'],
  needs: ['fs'],
  async run(ctx) {
    const passwd = await readOptional(ctx.guest, '/etc/passwd');
    if (passwd === null) throw new CliError('not-found', 'this guest has no /etc/passwd');
    const [shadowText, groupText, defsText] = await Promise.all([
      readOptional(ctx.guest, '/etc/shadow'),
      readOptional(ctx.guest, '/etc/group'),
      readOptional(ctx.guest, '/etc/login.defs'),
    ]);
    const shadow = shadowText === null ? null : parseShadow(shadowText);
    const groups = parseGroup(groupText ?? '');
    const uidMin = idRange(parseLoginDefs(defsText), 'uid', false).min;
    const rows: UserRow[] = passwdUsers(parsePasswd(passwd)).map((u) => {
      // glibc takes the shadow entry's hash when passwd says 'x'; 'x' alone matches nothing.
      const s = shadow && u.password === 'x' ? findShadow(shadow, u.name) : undefined;
      return {
        name: u.name,
        uid: u.uid,
        gid: u.gid,
        group: findGroup(groups, u.gid)?.name ?? null,
        comment: u.gecos,
        home: u.home,
        shell: u.shell,
        state: passwordState(s ? s.password : u.password),
        lastChange: s?.lastChange ? dayToIso(s.lastChange) : null,
        mustChange: s?.lastChange === 0,
        expires: s?.expire != null ? dayToIso(s.expire) : null,
        system: u.uid < uidMin || u.uid === 65534,
      };
    });
    return rows;
  },
  render(rows: UserRow[], out: Output) {
    renderUsers(rows, out);
  },
});

function renderUsers(rows: UserRow[], out: Output): void {
  out.table(
    ['NAME', 'UID', 'GID', 'HOME', 'SHELL', 'STATE', 'LAST CHANGE'],
    rows.map((r) => [r.name, r.uid, r.group ? `${r.gid}(${r.group})` : r.gid, r.home, r.shell, r.state, r.mustChange ? 'must change' : r.lastChange]),
    { rightAlign: [1] },
  );
}
