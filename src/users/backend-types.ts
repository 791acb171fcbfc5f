// The interface every account backend implements (see backend.ts for which one is used).

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
