// Which homes `deluser --remove-home` leaves alone, as userdel -r does and a little more: a
// system directory (daemon's home is /usr/sbin, nobody's /nonexistent), a home shared with or
// holding another account's home, a directory the user does not own, and a mount point or a
// tree with a filesystem mounted inside. The account is still deleted; the reason becomes a note.

import { posix } from 'node:path';
import type { Guest } from '../guest/types.js';
import { CliError, describeError } from '../util/errors.js';
import type { PasswdUser } from '../parsers/passwd.js';

/** Trees where no home of a deletable account belongs: the directory and everything below it. */
const SYSTEM_TREES = ['/usr', '/bin', '/sbin', '/etc', '/boot', '/dev', '/proc', '/sys', '/run', '/nonexistent'];
/** Directories that are never removed themselves (a home below them, e.g. /var/lib/foo, may be). */
const SYSTEM_DIRS = new Set([
  '/', '/home', '/root', '/tmp', '/srv', '/opt', '/mnt', '/media', '/snap', '/var', '/var/lib', '/var/cache', '/var/log',
  '/var/spool', '/var/spool/mail', '/var/mail', '/var/tmp', '/var/run', '/var/lock', '/var/empty', '/var/opt', '/var/local',
  '/var/backups', '/var/www', '/lost+found',
]);

const norm = (p: string) => {
  const n = posix.normalize(p);
  return n.length > 1 && n.endsWith('/') ? n.slice(0, -1) : n;
};
const inside = (path: string, dir: string) => dir === '/' || path === dir || path.startsWith(`${dir}/`);

/** Whether an absolute guest path is a system directory (or inside a system tree; /lib, /lib32, /lib64, /libx32, /libexec count). */
export function isSystemDirectory(path: string): boolean {
  const p = norm(path);
  if (SYSTEM_DIRS.has(p)) return true;
  if (/^\/lib(32|64|x32|exec)?(\/|$)/.test(p)) return true;
  return SYSTEM_TREES.some((t) => inside(p, t));
}

/** Why the home must stay, judged from the passwd fields alone (null: nothing against it). */
export function homeRefusalByPath(user: Pick<PasswdUser, 'name' | 'home'>, users: Pick<PasswdUser, 'name' | 'home'>[]): string | null {
  if (user.home === '' || !user.home.startsWith('/')) return `the home field is ${user.home === '' ? 'empty' : `not an absolute path (${user.home})`}`;
  const home = norm(user.home);
  if (isSystemDirectory(home)) return 'it is a system directory';
  for (const u of users) {
    if (u.name === user.name || !u.home.startsWith('/')) continue;
    const other = norm(u.home);
    if (other === home) return `it is also the home of '${u.name}'`;
    if (inside(other, home)) return `the home of '${u.name}' (${u.home}) is inside it`;
  }
  return null;
}

function notFound(err: unknown): boolean {
  return (err as NodeJS.ErrnoException | null)?.code === 'ENOENT';
}

/**
 * Why the home of `user` must not be removed according to the guest filesystem (after
 * homeRefusalByPath found nothing), or null when removing it is safe: the type, the real path
 * (a link on the way to a system directory), the session's mounts and the owner (userdel:
 * "not owned by USER, not removing"). A missing home is not a reason (the removal step
 * reports it); a failed stat is an error.
 */
export async function homeRefusalOnDisk(guest: Guest, user: Pick<PasswdUser, 'name' | 'uid' | 'home'>): Promise<string | null> {
  let st;
  try {
    st = await guest.fs.lstat(user.home);
  } catch (err) {
    if (notFound(err)) return null;
    throw new CliError('failed', `checking the home ${user.home} before removing it: ${describeError(err)}`, { cause: err });
  }
  if (st.type === 'symlink') return null; // only the link goes, never what it points to
  if (st.type !== 'directory') return `it is a ${st.type}, not a directory`;
  const real = norm(st.path);
  if (real !== norm(user.home) && isSystemDirectory(real)) return `it is ${real}, a system directory`;
  for (const m of guest.mounts()) {
    const mp = norm(m.mountpoint);
    if (mp === real) return `a filesystem (${m.device}) is mounted on it`;
    if (inside(mp, real)) return `a filesystem (${m.device}) is mounted inside it at ${mp}`;
  }
  if (st.uid !== user.uid) return `it is owned by uid ${st.uid}, not by '${user.name}' (uid ${user.uid})`;
  return null;
}
