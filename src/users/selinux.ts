// New homes on an SELinux guest: files made offline carry no security.selinux label, and an
// enforcing guest would deny the user their own home. The right labels come from the policy's
// home-directory templates and login mappings, so instead of guessing them guestctl
// schedules the guest's own full relabel at the next boot (/.autorelabel), as
// virt-customize --selinux-relabel does.

import { guestSelinux } from '../inspect/selinux.js';
import type { Guest } from '../guest/types.js';
import { CliError, describeError } from '../util/errors.js';

/**
 * Whether the guest boots with an SELinux policy loaded (enforcing or permissive, policy
 * installed). Asked before anything changes, so an unreadable config stops the command first.
 */
export async function selinuxActive(guest: Guest): Promise<boolean> {
  return (await guestSelinux(guest)) !== null;
}

/** Schedule a relabel on an SELinux guest (`selinux`: what selinuxActive said); returns a note for the user, or null. */
export async function relabelForNewFiles(guest: Guest, selinux: boolean, what: string): Promise<string | null> {
  if (!selinux) return null;
  try {
    if (!(await guest.fs.exists('/.autorelabel'))) await guest.fs.writeFile('/.autorelabel', '', { mode: 0o644 });
  } catch (err) {
    throw new CliError('failed', `scheduling an SELinux relabel for ${what}: cannot create /.autorelabel: ${describeError(err)}`);
  }
  return `SELinux guest: ${what} has no SELinux labels yet; a full relabel is scheduled for the next boot (/.autorelabel)`;
}
