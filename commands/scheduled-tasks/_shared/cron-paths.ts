// Where the guest's cron keeps its tables, and the naming rules cron and run-parts apply
// (internal: not a command).

import type { Guest } from '../../../src/guest/types.js';
import { lstatOrNull } from '../../../src/guest/stat-or-null.js';
import { readOptional } from '../../../src/guest/file-changes.js';
import { findUser, parsePasswd, type PasswdUser } from '../../../src/parsers/passwd.js';
import { groupEntries, parseGroup } from '../../../src/parsers/group.js';
import { CliError } from '../../../src/util/errors.js';

export const SYSTEM_CRONTAB = '/etc/crontab';
export const CRON_D = '/etc/cron.d';
export const PERIODIC = ['hourly', 'daily', 'weekly', 'monthly'] as const;

/**
 * The user crontab spool: Debian's cron (/var/spool/cron/crontabs, files USER:crontab 0600)
 * or cronie (/var/spool/cron, files USER:root 0600 as root's `crontab -u USER` leaves them).
 */
export interface Spool {
  dir: string;
  style: 'debian' | 'cronie';
}

export async function findSpool(guest: Guest): Promise<Spool | null> {
  if ((await lstatOrNull(guest.fs, '/var/spool/cron/crontabs'))?.type === 'directory') return { dir: '/var/spool/cron/crontabs', style: 'debian' };
  if ((await lstatOrNull(guest.fs, '/var/spool/cron'))?.type === 'directory' && guest.os.packageFormat !== 'deb') return { dir: '/var/spool/cron', style: 'cronie' };
  return null;
}

/**
 * Why run-parts (and cron for /etc/cron.d) skips a file of this name, or null. Debian's
 * run-parts and cron take only names of letters, digits, _ and - (so "backup.sh" never runs);
 * cronie's run-parts and crond skip backup and package-manager leftovers.
 */
export function skippedName(name: string, debianRules: boolean): string | null {
  if (debianRules) return /^[A-Za-z0-9_-]+$/.test(name) ? null : 'skipped: the name has characters other than letters, digits, _ and - (a dot, for one)';
  if (name.startsWith('.')) return 'skipped: a hidden file';
  if (/(~|,|\.rpmsave|\.rpmorig|\.rpmnew|\.swp|\.cfsaved|\.dpkg-[a-z]+)$/.test(name)) return 'skipped: a backup or package-manager leftover';
  return null;
}

export function debianRules(guest: Guest): boolean {
  return guest.os.packageFormat === 'deb';
}

export interface Accounts {
  user(name: string): PasswdUser | undefined;
  gid(group: string): number | undefined;
}

export async function readAccounts(guest: Guest): Promise<Accounts> {
  const passwd = parsePasswd((await readOptional(guest, '/etc/passwd')) ?? '');
  const groups = groupEntries(parseGroup((await readOptional(guest, '/etc/group')) ?? ''));
  return { user: (name) => findUser(passwd, name), gid: (group) => groups.find((g) => g.name === group)?.gid };
}

/** The login name of a user that must exist in the guest, or a usage error. */
export function existingUser(accounts: Accounts, name: string): PasswdUser {
  const u = accounts.user(name);
  if (!u || u.name !== name) throw new CliError('usage', `no user ${name} in the guest's /etc/passwd`);
  return u;
}
