import { promises as fsp } from 'node:fs';
import { homedir } from 'node:os';
import { CliError } from '../util/errors.js';

/**
 * Where sessions record their resources. Root always uses /run/guestctl: an inherited
 * $XDG_RUNTIME_DIR (sudo keeps it) would let the invoking user's files steer root's cleanup.
 * GUESTCTL_STATE_DIR is the explicit override (tests use it).
 */
export function stateDir(): string {
  if (process.env.GUESTCTL_STATE_DIR) return process.env.GUESTCTL_STATE_DIR;
  if (process.getuid?.() === 0) return '/run/guestctl';
  if (process.env.XDG_RUNTIME_DIR) return `${process.env.XDG_RUNTIME_DIR}/guestctl`;
  return `${process.env.XDG_STATE_HOME ?? `${homedir()}/.local/state`}/guestctl/sessions`;
}

/**
 * The state directory, checked: a real directory (not a symlink) owned by this user and not
 * writable by group or others, else nothing is read from it or written to it.
 * Returns null when it does not exist and `create` is false.
 */
export async function trustedStateDir(create: boolean): Promise<string | null> {
  const dir = stateDir();
  if (create) await fsp.mkdir(dir, { recursive: true, mode: 0o700 });
  let st;
  try {
    st = await fsp.lstat(dir);
  } catch (err) {
    if (!create && (err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new CliError('failed', `state directory ${dir}: ${(err as Error).message}`);
  }
  const uid = process.getuid?.() ?? 0;
  const why = !st.isDirectory()
    ? 'is not a directory'
    : st.uid !== uid
      ? `is owned by uid ${st.uid}, not ${uid}`
      : (st.mode & 0o022) !== 0
        ? `is writable by ${st.mode & 0o020 ? 'its group' : 'others'} (mode ${(st.mode & 0o7777).toString(8)})`
        : null;
  if (why) throw new CliError('refused', `state directory ${dir} ${why}: not trusted, nothing is read from or written to it (chown it and chmod 700)`);
  return dir;
}
