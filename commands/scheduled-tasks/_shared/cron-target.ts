// Which crontab cron-add and cron-remove change, and the owner and mode a new one gets
// (internal: not a command).

import type { Guest } from '../../../src/guest/types.js';
import { lstatOrNull } from '../../../src/guest/stat-or-null.js';
import { CliError } from '../../../src/util/errors.js';
import { CRON_D, existingUser, findSpool, readAccounts, skippedName } from './cron-paths.js';

export interface CronTarget {
  path: string;
  /** A system table (/etc/cron.d): job lines carry a user field. */
  system: boolean;
  /** The user the jobs run as (the user field of a cron.d line, or the crontab's owner). */
  user: string;
  /** For a new file. */
  mode: number;
  uid: number;
  gid: number;
}

const DEFAULT_USER = 'root';

/**
 * `--file NAME`: /etc/cron.d/NAME (0644 root:root, user field `--user`, default root).
 * Otherwise the spool crontab of `--user` (default root), as the guest's `crontab` writes it:
 * Debian USER:crontab 0600, cronie USER:root 0600.
 */
export async function cronTarget(guest: Guest, opts: { user: string | null; file: string | null }): Promise<CronTarget> {
  const accounts = await readAccounts(guest);
  const user = existingUser(accounts, opts.user ?? DEFAULT_USER);
  let target: CronTarget;
  if (opts.file !== null) {
    const bad = opts.file.includes('/') ? 'a name, not a path' : skippedName(opts.file, true);
    if (bad) throw new CliError('usage', `--file ${opts.file}: cron would not read it (${bad.replace(/^skipped: /, '')}); use letters, digits, _ and -`);
    if ((await lstatOrNull(guest.fs, CRON_D))?.type !== 'directory') throw new CliError('failed', `no ${CRON_D} directory in the guest: is cron installed?`);
    target = { path: `${CRON_D}/${opts.file}`, system: true, user: user.name, mode: 0o644, uid: 0, gid: 0 };
    await refuseOddFile(guest, target.path);
  } else {
    const spool = await findSpool(guest);
    if (!spool) throw new CliError('failed', 'no cron spool directory (/var/spool/cron/crontabs or /var/spool/cron) in the guest: is cron installed?');
    const path = `${spool.dir}/${user.name}`;
    await refuseOddFile(guest, path);
    let gid = 0;
    if (spool.style === 'debian') {
      const crontabGroup = accounts.gid('crontab');
      if (crontabGroup === undefined) throw new CliError('failed', "the guest has no 'crontab' group, which owns Debian's user crontabs: is cron installed?");
      gid = crontabGroup;
    }
    target = { path, system: false, user: user.name, mode: 0o600, uid: user.uid, gid };
  }
  return target;
}

/** A crontab that is a link (it could lead anywhere) or not a regular file is never read or written. */
async function refuseOddFile(guest: Guest, path: string): Promise<void> {
  const st = await lstatOrNull(guest.fs, path);
  if (st && st.type !== 'file') throw new CliError('failed', `${path} is a ${st.type}, not a regular file: not touched`);
}
