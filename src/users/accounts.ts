// The guest's account databases and the settings that govern them, read once per command
// through the Guest (never the host's files).

import type { Guest } from '../guest/types.js';
import { readOptional } from '../guest/file-changes.js';
import { parseLoginDefs, type LoginDefs } from '../parsers/login-defs.js';
import { parseUseraddDefaults, type UseraddDefaults } from '../parsers/useradd-defaults.js';
import { CliError } from '../util/errors.js';

export const ACCOUNT_PATHS = {
  passwd: '/etc/passwd',
  shadow: '/etc/shadow',
  group: '/etc/group',
  gshadow: '/etc/gshadow',
  subuid: '/etc/subuid',
  subgid: '/etc/subgid',
} as const;

export interface AccountFiles {
  passwd: string;
  group: string;
  /** null: the file does not exist in this guest (then it is never created). */
  shadow: string | null;
  gshadow: string | null;
  subuid: string | null;
  subgid: string | null;
  loginDefs: LoginDefs;
  defaults: UseraddDefaults;
  /** Red Hat family: new accounts get '!!' (not '!') as their not-yet-set password. */
  rpmFamily: boolean;
}

export async function loadAccounts(guest: Guest): Promise<AccountFiles> {
  const [passwd, group, shadow, gshadow, subuid, subgid, loginDefs, defaults] = await Promise.all([
    readOptional(guest, ACCOUNT_PATHS.passwd),
    readOptional(guest, ACCOUNT_PATHS.group),
    readOptional(guest, ACCOUNT_PATHS.shadow),
    readOptional(guest, ACCOUNT_PATHS.gshadow),
    readOptional(guest, ACCOUNT_PATHS.subuid),
    readOptional(guest, ACCOUNT_PATHS.subgid),
    readOptional(guest, '/etc/login.defs'),
    readOptional(guest, '/etc/default/useradd'),
  ]);
  if (passwd === null) throw new CliError('not-found', 'this guest has no /etc/passwd');
  if (group === null) throw new CliError('not-found', 'this guest has no /etc/group');
  return {
    passwd,
    group,
    shadow,
    gshadow,
    subuid,
    subgid,
    loginDefs: parseLoginDefs(loginDefs),
    defaults: parseUseraddDefaults(defaults),
    rpmFamily: guest.os.packageFormat === 'rpm',
  };
}

/** A program in the guest's standard PATH (a regular file with an execute bit), or null. */
export async function findGuestProgram(guest: Guest, name: string): Promise<string | null> {
  for (const dir of ['/usr/local/sbin', '/usr/local/bin', '/usr/sbin', '/usr/bin', '/sbin', '/bin']) {
    const path = `${dir}/${name}`;
    try {
      const st = await guest.fs.stat(path);
      if (st.type === 'file' && (st.mode & 0o111) !== 0) return path;
    } catch {
      // not there
    }
  }
  return null;
}
