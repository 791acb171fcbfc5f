// How account operations are carried out, behind one small interface. The commands plan
// an operation (pure: resolved names, IDs, paths, and the file edits it amounts to) and
// hand it to a backend:
// - offline (an image or a directory): OfflineAccounts writes the planned file edits
//   atomically and does the home work through the guest filesystem;
// - a running guest (later): a backend that runs the guest's own useradd/userdel/usermod/
//   chpasswd -e with the plan's resolved values, so the guest's hooks (nscd, SELinux
//   contexts, audit) run too.

import type { Guest } from '../guest/types.js';
import { OfflineAccounts } from './offline.js';
import type { AddUserOp } from './plan-add.js';
import type { ModUserOp, PasswordOp } from './plan-modify.js';
import type { DelUserOp } from './plan-remove.js';

/** What was done besides the planned file edits, and notes worth telling the user. */
export interface AccountResult {
  notes: string[];
  homeCreated?: boolean;
  /** The new home got the skeleton directory's content. */
  homeFromSkel?: boolean;
  homeMoved?: boolean;
  homeRemoved?: 'directory' | 'symlink' | null;
  /** deluser --remove-home left the home in place: why (a system directory, not the user's...). */
  homeKept?: string | null;
}

export interface AccountBackend {
  addUser(op: AddUserOp, signal?: AbortSignal): Promise<AccountResult>;
  deleteUser(op: DelUserOp, signal?: AbortSignal): Promise<AccountResult>;
  modifyUser(op: ModUserOp, signal?: AbortSignal): Promise<AccountResult>;
  setPassword(op: PasswordOp, signal?: AbortSignal): Promise<AccountResult>;
}

export function accountBackend(guest: Guest): AccountBackend {
  // Only the offline strategy exists so far; it also works on a live guest's files.
  return new OfflineAccounts(guest);
}
