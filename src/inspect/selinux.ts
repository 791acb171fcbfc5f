import { readOptional } from '../guest/file-changes.js';
import type { Guest } from '../guest/types.js';

// Whether a guest boots with an SELinux policy loaded: /etc/selinux/config says enforcing or
// permissive, and the named policy is installed.

export interface SelinuxPolicy {
  mode: 'enforcing' | 'permissive';
  type: string;
}

export async function guestSelinux(guest: Guest): Promise<SelinuxPolicy | null> {
  const text = await readOptional(guest, '/etc/selinux/config').catch(() => null);
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
  const dir = await guest.fs.stat(`/etc/selinux/${type}`).catch(() => null);
  return dir?.type === 'directory' ? { mode, type } : null;
}
