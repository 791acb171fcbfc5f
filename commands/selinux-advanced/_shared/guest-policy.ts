import type { Guest } from '../../../src/guest/types.js';
import { readOptional } from '../../../src/guest/file-changes.js';
import { getShellVar } from '../../../src/editors/shell-vars.js';
import { CliError, describeError } from '../../../src/util/errors.js';
import { isAbsent } from '../../../src/guest/stat-or-null.js';

// The guest's SELinux policy files, whatever the mode: file_contexts and the binary policy
// are what setfiles, audit2why and audit2allow are pointed at explicitly, since on a host
// without SELinux libselinux cannot find "the loaded policy".

const CONFIG = '/etc/selinux/config';

export interface GuestPolicy {
  /** SELINUXTYPE (default, targeted, mls...). */
  type: string;
  fileContexts: string;
  /** The highest policy.N of the policy store, or null when none is built. */
  binary: string | null;
}

/** Null when the guest has no /etc/selinux/config or no such policy directory. */
export async function guestPolicy(guest: Guest): Promise<GuestPolicy | null> {
  const config = await guarded(`reading ${CONFIG}`, () => readOptional(guest, CONFIG));
  if (config === null) return null;
  const type = getShellVar(config, 'SELINUXTYPE') || 'targeted';
  if (!/^[A-Za-z0-9_.-]+$/.test(type)) throw new CliError('failed', `${CONFIG}: SELINUXTYPE is not a policy name: ${JSON.stringify(type)}`);
  const dir = `/etc/selinux/${type}`;
  if (!(await guarded(`looking for ${dir}`, () => guest.fs.exists(dir)))) return null;
  const binaries = await guarded(`listing ${dir}/policy`, async () => ((await guest.fs.exists(`${dir}/policy`)) ? guest.fs.list(`${dir}/policy`) : []));
  const versions = binaries.map((e) => /^policy\.(\d+)$/.exec(e.name)).filter((m) => m !== null).map((m) => Number(m[1]));
  const binary = versions.length > 0 ? `${dir}/policy/policy.${Math.max(...versions)}` : null;
  return { type, fileContexts: `${dir}/contexts/files/file_contexts`, binary };
}

const PROGRAM_DIRS = ['/usr/sbin', '/usr/bin', '/sbin', '/bin'];

/** Whether the guest ships the program (in the usual system directories). */
export async function guestHasProgram(guest: Guest, name: string): Promise<boolean> {
  for (const dir of PROGRAM_DIRS) {
    const found = await guarded(`looking for ${dir}/${name}`, () =>
      guest.fs.stat(`${dir}/${name}`).then(
        (s) => s.type === 'file',
        (err: NodeJS.ErrnoException) => {
          if (isAbsent(err)) return false;
          throw err;
        },
      ),
    );
    if (found) return true;
  }
  return false;
}

async function guarded<T>(step: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof CliError) throw err;
    throw new CliError('failed', `${step}: ${describeError(err)}`, { cause: err });
  }
}
