import type { CommandContext } from '../../../src/shell/command.js';
import type { Guest } from '../../../src/guest/types.js';
import { CliError } from '../../../src/util/errors.js';

// Shared by the System Configuration commands: the one rule for the identity files they read
// and write.

export interface ConfigFile {
  /** The path to read and write: `path` itself, or the managed file a permitted symlink resolves to. */
  path: string;
  /** The file exists (as a regular file, directly or through a permitted link). */
  exists: boolean;
}

/**
 * The identity files (/etc/hostname, /etc/hosts, /etc/timezone, /etc/locale.conf, ...) are
 * plain files. A symlink there is followed only when it resolves, inside the guest, to another
 * file in `allowed` (e.g. SUSE's /etc/HOSTNAME -> hostname, /etc/sysconfig/selinux ->
 * ../selinux/config). Any other link is refused, for reading and writing alike: a hostile image
 * with /etc/hostname -> /etc/shadow must neither have its shadow file overwritten with a host
 * name nor printed as one. Host files are never at stake (paths resolve inside the guest root).
 */
export async function configFile(guest: Guest, path: string, allowed: readonly string[] = []): Promise<ConfigFile> {
  let st;
  try {
    st = await guest.fs.lstat(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { path, exists: false };
    throw err;
  }
  if (st.type === 'file') return { path, exists: true };
  if (st.type !== 'symlink') throw new CliError('refused', `${path} is a ${st.type}, not a regular file: refusing to use it`);
  let real: string | null = null;
  try {
    real = await guest.fs.realpath(path);
  } catch {
    real = null; // dangling or a loop
  }
  if (real !== null && allowed.includes(real) && real !== path) {
    const target = await guest.fs.lstat(real);
    if (target.type === 'file') return { path: real, exists: true };
  }
  throw new CliError(
    'refused',
    `${path} is a symbolic link to ${JSON.stringify(st.symlinkTarget ?? '?')}: refusing to read or write through it ` +
      `(replace the link with a regular file first, e.g. delete ${path})`,
  );
}

/** Read a config file under the same rule; null when it does not exist. */
export async function readConfig(guest: Guest, path: string, allowed: readonly string[] = []): Promise<{ path: string; text: string | null }> {
  const f = await configFile(guest, path, allowed);
  if (!f.exists) return { path: f.path, text: null };
  return { path: f.path, text: (await guest.fs.readFile(f.path)).toString('utf8') };
}
