// deluser, planned the way shadow-utils' userdel would do it (pure).

import { posix } from 'node:path';
import type { FileChange } from '../guest/file-changes.js';
import { hasEntry } from '../parsers/colon-file.js';
import { groupEntries, parseGroup, removeGroupEntry, removeMemberEverywhere } from '../parsers/group.js';
import { parseGshadow, removeFromAllGshadow, removeGshadowEntry, findGshadow } from '../parsers/gshadow.js';
import { defString } from '../parsers/login-defs.js';
import { removePasswdUser } from '../parsers/passwd.js';
import { removeShadowEntry } from '../parsers/shadow.js';
import { removeSubidOwner } from '../parsers/subid.js';
import { CliError } from '../util/errors.js';
import type { AccountFiles } from './accounts.js';
import { homeRefusalByPath } from './home-safety.js';
import { Edits, requireUser, usersOf } from './plan-common.js';

export interface DelUserOp {
  kind: 'delete';
  name: string;
  uid: number;
  home: string;
  /** The user private group that goes too (null: none, or kept; see notes). */
  removedGroup: string | null;
  removeHome: boolean;
  /**
   * With removeHome: why the home must stay, as far as the passwd fields tell (a system
   * directory, shared with another account...). The backend adds what the filesystem tells.
   */
  keepHome: string | null;
  /** The mail spool to remove with --remove-home. */
  mailSpool: string | null;
  changes: FileChange[];
  notes: string[];
}

export function planDelUser(files: AccountFiles, name: string, opts: { removeHome: boolean }): DelUserOp {
  const user = requireUser(files, name);
  if (user.uid === 0) throw new CliError('refused', `refusing to delete '${name}': uid 0 is the superuser`);
  const notes: string[] = [];
  const users = usersOf(files);

  const edits = new Edits(files);
  edits.edit('passwd', (t) => removePasswdUser(t, name));
  edits.edit('shadow', (t) => (hasEntry(t, name) ? removeShadowEntry(t, name) : t));
  edits.edit('group', (t) => removeMemberEverywhere(t, name));
  edits.edit('gshadow', (t) => removeFromAllGshadow(t, name));
  edits.edit('subuid', (t) => removeSubidOwner(t, name));
  edits.edit('subgid', (t) => removeSubidOwner(t, name));

  // The user private group: same name, the user's primary group, no other member, and no
  // other user's primary group (userdel's rules).
  let removedGroup: string | null = null;
  const group = groupEntries(parseGroup(edits.text('group')!)).find((g) => g.name === name);
  if (group) {
    const primaryOf = users.find((u) => u.name !== name && u.gid === group.gid);
    if (group.gid !== user.gid) notes.push(`group '${name}' kept: it is not the primary group of '${name}'`);
    else if (primaryOf) notes.push(`group '${name}' kept: it is the primary group of '${primaryOf.name}'`);
    else if (group.members.length > 0) notes.push(`group '${name}' kept: it has other members (${group.members.join(', ')})`);
    else {
      edits.edit('group', (t) => removeGroupEntry(t, name));
      edits.edit('gshadow', (t) => (findGshadow(parseGshadow(t), name) ? removeGshadowEntry(t, name) : t));
      removedGroup = name;
    }
  }

  const mailDir = defString(files.loginDefs, 'MAIL_DIR') ?? (defString(files.loginDefs, 'MAIL_FILE') ? null : '/var/mail');
  return {
    kind: 'delete',
    name,
    uid: user.uid,
    home: user.home,
    removedGroup,
    removeHome: opts.removeHome,
    keepHome: opts.removeHome ? homeRefusalByPath(user, users) : null,
    mailSpool: opts.removeHome && mailDir ? posix.join(mailDir, name) : null,
    changes: edits.changes(),
    notes,
  };
}
