// The offline account backend: the planned edits of /etc/passwd, shadow, group, gshadow,
// subuid and subgid are written together (atomically per file, owner/mode/label kept,
// rolled back together), and homes are made, moved or removed through the guest fs.
// Every failing step throws a CliError that names the step; nothing is reported as done
// after a failure.

import { applyChanges, type FileChange } from '../guest/file-changes.js';
import type { Guest } from '../guest/types.js';
import { CliError, describeError } from '../util/errors.js';
import type { AccountBackend, AccountResult } from './backend-types.js';
import { createHome, createMailSpool, moveHome, moveHomeBack, removeHome, type HomeMove } from './home.js';
import type { AddUserOp } from './plan-add.js';
import type { ModUserOp, PasswordOp } from './plan-modify.js';
import type { DelUserOp } from './plan-remove.js';
import { homeRefusalOnDisk } from './home-safety.js';
import { relabelForNewFiles, selinuxActive } from './selinux.js';

function stepError(step: string, err: unknown, extra = ''): CliError {
  if (err instanceof CliError && err.code === 'cancelled') return err;
  const code = err instanceof CliError ? err.code : 'failed';
  return new CliError(code, `${step}: ${describeError(err)}${extra}`, { cause: err });
}

export class OfflineAccounts implements AccountBackend {
  constructor(private readonly guest: Guest) {}

  private async write(step: string, changes: FileChange[]): Promise<void> {
    try {
      await applyChanges(this.guest, changes);
    } catch (err) {
      throw stepError(step, err);
    }
  }

  async addUser(op: AddUserOp, signal?: AbortSignal): Promise<AccountResult> {
    const notes: string[] = [];
    const fs = this.guest.fs;
    const selinux = op.createHome || op.mailSpool ? await selinuxActive(this.guest) : false;
    // The home first: if it cannot be made, no account exists without one.
    let created = false;
    let fromSkel = false;
    if (op.createHome) {
      try {
        ({ created, fromSkel } = await createHome(fs, op.createHome, notes, signal));
      } catch (err) {
        throw stepError(`creating the home directory ${op.createHome.path}`, err, '; the account was not added');
      }
    }
    try {
      await applyChanges(this.guest, op.changes);
    } catch (err) {
      let extra = '';
      if (created) {
        extra = await fs.remove(op.createHome!.path, { recursive: true }).then(
          () => '; the new home was removed again',
          (e) => `; the new home ${op.createHome!.path} could not be removed: ${describeError(e)}`,
        );
      }
      throw stepError('writing the account files', err, extra);
    }
    let spool = false;
    if (op.mailSpool) {
      try {
        spool = await createMailSpool(fs, op.mailSpool, notes);
      } catch (err) {
        throw stepError(`creating the mail spool ${op.mailSpool.path} (the account itself was added)`, err);
      }
    }
    if (created || spool) {
      const note = await relabelForNewFiles(this.guest, selinux, created ? `the new home ${op.createHome!.path}` : `the mail spool ${op.mailSpool!.path}`);
      if (note) notes.push(note);
    }
    return { notes, homeCreated: created, homeFromSkel: fromSkel };
  }

  async deleteUser(op: DelUserOp): Promise<AccountResult> {
    const notes: string[] = [];
    let removed: AccountResult['homeRemoved'] = null;
    // Judged before anything changes: a failed check leaves the account as it was.
    const keep = op.removeHome ? (op.keepHome ?? (await homeRefusalOnDisk(this.guest, op))) : null;
    await this.write('writing the account files', op.changes);
    if (op.removeHome) {
      if (keep) notes.push(`the account was deleted, but its home ${op.home} was not removed: ${keep}`);
      else {
        try {
          removed = await removeHome(this.guest.fs, op.home, notes);
        } catch (err) {
          throw stepError(`removing the home ${op.home} (the account itself was deleted)`, err);
        }
      }
      if (op.mailSpool) await this.removeMailSpool(op, notes);
    }
    return { notes, homeRemoved: removed, homeKept: keep };
  }

  private async removeMailSpool(op: DelUserOp, notes: string[]): Promise<void> {
    const spool = op.mailSpool!;
    const what = `removing the mail spool ${spool} (the account was deleted)`;
    let st;
    try {
      st = await this.guest.fs.lstat(spool);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw stepError(what, err);
    }
    if (st.type !== 'file' || st.uid !== op.uid) {
      notes.push(`mail spool ${spool} kept: not a file owned by uid ${op.uid}`);
      return;
    }
    try {
      await this.guest.fs.remove(spool);
    } catch (err) {
      throw stepError(what, err);
    }
  }

  async modifyUser(op: ModUserOp, signal?: AbortSignal): Promise<AccountResult> {
    const notes: string[] = [];
    const fs = this.guest.fs;
    const selinux = op.moveHomeTo !== null ? await selinuxActive(this.guest) : false;
    let move: HomeMove = { moved: false };
    if (op.moveHomeTo !== null) {
      try {
        move = await moveHome(fs, op.oldHome, op.moveHomeTo, notes, signal);
      } catch (err) {
        throw stepError(`moving the home ${op.oldHome} to ${op.moveHomeTo}`, err);
      }
    }
    try {
      await applyChanges(this.guest, op.changes);
    } catch (err) {
      let extra = '';
      if (move.moved && move.how === 'renamed') {
        const problem = await moveHomeBack(fs, op.moveHomeTo!, op.oldHome);
        extra = problem ? `; ${problem}` : `; the home was moved back to ${op.oldHome}`;
      } else if (move.moved) {
        extra = `; the home was already copied to ${op.moveHomeTo} and ${move.leftover ? `only partly removed from ${op.oldHome}` : `${op.oldHome} removed`}, while passwd still says ${op.oldHome}: move it back by hand`;
      }
      throw stepError('writing the account files', err, extra);
    }
    // A rename keeps the labels; a copy across filesystems does not (and the path changed).
    if (move.moved) {
      const note = await relabelForNewFiles(this.guest, selinux, `the moved home ${op.moveHomeTo}`);
      if (note) notes.push(note);
    }
    if (move.moved && move.leftover) {
      throw new CliError('failed', `moving the home ${op.oldHome} to ${op.moveHomeTo}: ${move.leftover}; the account now uses ${op.moveHomeTo}${notes.length ? `; ${notes.join('; ')}` : ''}`);
    }
    return { notes, homeMoved: move.moved };
  }

  async setPassword(op: PasswordOp): Promise<AccountResult> {
    await this.write('writing the password', op.changes);
    return { notes: [] };
  }
}
