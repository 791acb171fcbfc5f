// New homes on an SELinux guest: files made offline carry no security.selinux label, and an
// enforcing guest would deny the user their own home. The right labels come from the policy's
// home-directory templates and login mappings, so instead of guessing them guestctl
// schedules the guest's own full relabel at the next boot (/.autorelabel), as
// virt-customize --selinux-relabel does.

import { readOptional } from '../guest/file-changes.js';
import type { Guest } from '../guest/types.js';
import { CliError, describeError } from '../util/errors.js';

/** Whether the guest boots with an SELinux policy loaded (enforcing or permissive, policy installed). */
export async function selinuxActive(guest: Guest): Promise<boolean> {
  const text = await readOptional(guest, '/etc/selinux/config').catch(() => null);
  if (text === null) return false;
  let mode = '';
  let type = 'targeted';
  for (const line of text.split('\n')) {
    const m = /^\s*(SELINUX|SELINUXTYPE)\s*=\s*"?([^"#\s]*)"?/.exec(line);
    if (m?.[1] === 'SELINUX') mode = m[2]!.toLowerCase();
    else if (m?.[1] === 'SELINUXTYPE' && m[2]) type = m[2];
  }
  if (mode !== 'enforcing' && mode !== 'permissive') return false;
  if (!/^[A-Za-z0-9_.-]+$/.test(type)) return false;
  const dir = await guest.fs.stat(`/etc/selinux/${type}`).catch(() => null);
  return dir?.type === 'directory';
}

/** Schedule a relabel when the guest enforces SELinux; returns a note for the user, or null. */
export async function relabelForNewFiles(guest: Guest, what: string): Promise<string | null> {
  if (!(await selinuxActive(guest))) return null;
  try {
    if (!(await guest.fs.exists('/.autorelabel'))) await guest.fs.writeFile('/.autorelabel', '', { mode: 0o644 });
  } catch (err) {
    throw new CliError('failed', `scheduling an SELinux relabel for ${what}: cannot create /.autorelabel: ${describeError(err)}`);
  }
  return `SELinux guest: ${what} has no SELinux labels yet; a full relabel is scheduled for the next boot (/.autorelabel)`;
}
