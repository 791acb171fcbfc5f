// How account operations are carried out, behind one small interface. The commands plan
// an operation (pure: resolved names, IDs, paths, and the file edits it amounts to) and
// hand it to a backend:
// - offline (an image or a directory): OfflineAccounts writes the planned file edits
//   atomically and does the home work through the guest filesystem;
// - a running guest (later): a backend that runs the guest's own useradd/userdel/usermod/
//   chpasswd -e with the plan's resolved values, so the guest's hooks (nscd, SELinux
//   contexts, audit) run too.

import type { Guest } from '../guest/types.js';
import type { AccountBackend } from './backend-types.js';
import { OfflineAccounts } from './offline.js';

export function accountBackend(guest: Guest): AccountBackend {
  // Only the offline strategy exists so far; it also works on a live guest's files.
  return new OfflineAccounts(guest);
}
