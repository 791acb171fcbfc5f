import { readOptional } from '../guest/file-changes.js';
import type { Guest } from '../guest/types.js';
import { CliError, describeError } from '../util/errors.js';

// Whether a guest boots with an SELinux policy loaded: /etc/selinux/config says enforcing or
// permissive, and the named policy is installed. Only a missing file means "no SELinux": a
// config that cannot be read is an error, since guessing "none" would skip relabels and labels.

export interface SelinuxPolicy {
  mode: 'enforcing' | 'permissive';
  type: string;
}

const CONFIG = '/etc/selinux/config';

function unreadable(what: string, err: unknown): CliError {
  return new CliError('failed', `cannot tell whether the guest uses SELinux: reading ${what}: ${describeError(err)}`, { cause: err });
}

export async function guestSelinux(guest: Guest): Promise<SelinuxPolicy | null> {
  let text: string | null;
  try {
    text = await readOptional(guest, CONFIG);
  } catch (err) {
    throw unreadable(CONFIG, err);
  }
  if (text === null) return null;
  const vars = new Map<string, string>();
  for (const line of text.split('\n')) {
    const m = /^\s*([A-Z_]+)\s*=\s*"?([^"#\s]*)"?/.exec(line);
    if (m) vars.set(m[1]!, m[2]!);
  }
  const mode = (vars.get('SELINUX') ?? '').toLowerCase();
  if (mode !== 'enforcing' && mode !== 'permissive') return null;
  const type = vars.get('SELINUXTYPE') || 'targeted';
  if (!/^[A-Za-z0-9_.-]+$/.test(type)) return null;
  const policyDir = `/etc/selinux/${type}`;
  try {
    const dir = await guest.fs.stat(policyDir);
    return dir.type === 'directory' ? { mode, type } : null;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw unreadable(policyDir, err);
  }
}
