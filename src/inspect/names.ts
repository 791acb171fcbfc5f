import type { GuestFs } from '../guest/types.js';
import { findGroup, parseGroup } from '../parsers/group.js';
import { findUser, parsePasswd } from '../parsers/passwd.js';
import { CliError } from '../util/errors.js';

// User and group names come from the guest's own /etc/passwd and /etc/group, never the host's.

export interface GuestNames {
  user(uid: number): string;
  group(gid: number): string;
  uidOf(nameOrId: string): number;
  gidOf(nameOrId: string): number;
  primaryGidOf(uid: number): number | undefined;
}

async function readOr(fs: GuestFs, path: string): Promise<string> {
  try {
    return (await fs.readFile(path)).toString('utf8');
  } catch {
    return '';
  }
}

export async function guestNames(fs: GuestFs): Promise<GuestNames> {
  const users = parsePasswd(await readOr(fs, '/etc/passwd'));
  const groups = parseGroup(await readOr(fs, '/etc/group'));
  return {
    user: (uid) => findUser(users, uid)?.name ?? String(uid),
    group: (gid) => findGroup(groups, gid)?.name ?? String(gid),
    uidOf(n) {
      const u = findUser(users, n);
      if (u) return u.uid;
      if (/^\d+$/.test(n)) return Number(n);
      throw new CliError('not-found', `no user '${n}' in the guest's /etc/passwd`);
    },
    gidOf(n) {
      const g = findGroup(groups, n);
      if (g) return g.gid;
      if (/^\d+$/.test(n)) return Number(n);
      throw new CliError('not-found', `no group '${n}' in the guest's /etc/group`);
    },
    primaryGidOf: (uid) => findUser(users, uid)?.gid,
  };
}
