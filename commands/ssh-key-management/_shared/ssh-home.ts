import { posix } from 'node:path';
import type { Guest, GuestStat } from '../../../src/guest/types.js';
import { lstatOrNull } from '../../../src/guest/stat-or-null.js';
import type { PasswdUser } from '../../../src/parsers/passwd.js';
import { CliError } from '../../../src/util/errors.js';
import { dryRunOption } from '../../../src/shell/dry-run.js';

// What the SSH key commands share: the paths of a user's authorized_keys, the checks before
// changing them, and the guest's SELinux policy.

export const KEYS_DRY_RUN = dryRunOption('show what would change (a unified diff) and write nothing');

export interface KeyPaths {
  home: string;
  dir: string;
  file: string;
}

export function keyPaths(user: PasswdUser): KeyPaths {
  const home = posix.resolve('/', user.home || '/');
  const dir = posix.join(home, '.ssh');
  return { home, dir, file: posix.join(dir, 'authorized_keys') };
}

/**
 * Before changing ~/.ssh or authorized_keys: neither may be a symbolic link (sshd's StrictModes
 * refuses keys it reaches through links it cannot vouch for, and a link is how a hostile image
 * would aim a write elsewhere). Returns their lstat (null when missing).
 */
export async function checkKeyPaths(guest: Guest, p: KeyPaths): Promise<{ dir: GuestStat | null; file: GuestStat | null }> {
  const dir = await lstatOrNull(guest.fs, p.dir);
  if (dir?.type === 'symlink') {
    throw new CliError('refused', `refused: ${p.dir} is a symbolic link (to ${dir.symlinkTarget}); sshd's StrictModes would reject keys behind it: replace it with a directory first`);
  }
  if (dir && dir.type !== 'directory') throw new CliError('refused', `refused: ${p.dir} is not a directory`);
  const file = dir ? await lstatOrNull(guest.fs, p.file) : null;
  if (file?.type === 'symlink') {
    throw new CliError('refused', `refused: ${p.file} is a symbolic link (to ${file.symlinkTarget}); sshd's StrictModes would reject it: replace it with a file first`);
  }
  if (file && file.type !== 'file') throw new CliError('refused', `refused: ${p.file} is not a regular file`);
  return { dir, file };
}

// ---- SELinux ----

export const SSH_HOME_LABEL = 'system_u:object_r:ssh_home_t:s0';

/**
 * Give `paths` the ssh_home_t label (what restorecon would set); when the label cannot be set,
 * schedule a full relabel at next boot with /.autorelabel. Returns what was done.
 */
export async function labelSshHome(guest: Guest, paths: string[]): Promise<{ labelled: string[]; autorelabel: boolean; reason?: string }> {
  const setXattr = guest.fs.setXattr?.bind(guest.fs);
  let reason = 'this guest backend cannot set extended attributes';
  if (setXattr) {
    try {
      for (const p of paths) await setXattr(p, 'security.selinux', `${SSH_HOME_LABEL}\0`);
      return { labelled: paths, autorelabel: false };
    } catch (err) {
      reason = (err as Error).message;
    }
  }
  try {
    if (!(await guest.fs.exists('/.autorelabel'))) await guest.fs.writeFile('/.autorelabel', '', { mode: 0o644 });
  } catch (err) {
    throw new CliError('failed', `labelling for SELinux: cannot set the label (${reason}) nor create /.autorelabel: ${(err as Error).message}`);
  }
  return { labelled: [], autorelabel: true, reason };
}

/** The package that provides sshd on this guest's distribution. */
export function sshdPackage(guest: Guest): string {
  return guest.os.packageFormat === 'pacman' ? 'openssh' : 'openssh-server';
}
