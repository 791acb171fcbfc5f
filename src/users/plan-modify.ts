// usermod and passwd, planned as shadow-utils' usermod and passwd(1) would change the files (pure).

import type { FileChange } from '../guest/file-changes.js';
import { addGroupMember, removeGroupMember } from '../parsers/group.js';
import { addGshadowMember, findGshadow, parseGshadow, removeGshadowMember } from '../parsers/gshadow.js';
import { updatePasswdUser } from '../parsers/passwd.js';
import { editShadowPassword, findShadow, lockPassword, parseShadow, unlockPassword, updateShadowEntry } from '../parsers/shadow.js';
import { CliError } from '../util/errors.js';
import type { AccountFiles } from './accounts.js';
import { checkComment, checkHome, checkShell, Edits, groupsOf, requireUser, resolveGroupList, samePath } from './plan-common.js';

export interface ModUserRequest {
  name: string;
  addGroups: string[];
  removeGroups: string[];
  shell?: string;
  home?: string;
  moveHome: boolean;
  lock: boolean;
  unlock: boolean;
  comment?: string;
}

export interface ModUserOp {
  kind: 'modify';
  name: string;
  uid: number;
  /** What changes, for the report ("shell /bin/sh → /bin/bash", "+sudo"...). */
  summary: string[];
  oldHome: string;
  /** Move the home directory from oldHome to this path. */
  moveHomeTo: string | null;
  changes: FileChange[];
  notes: string[];
}

/** Apply a password-field operation to the user's shadow entry (or passwd, without shadow). */
function editPassword(edits: Edits, files: AccountFiles, name: string, op: (pw: string) => string): void {
  if (files.shadow !== null) {
    if (!findShadow(parseShadow(files.shadow), name)) {
      throw new CliError('not-found', `'${name}' has no entry in /etc/shadow: run 'run pwconv' in the guest first`);
    }
    edits.edit('shadow', (t) => editShadowPassword(t, name, op));
  } else {
    edits.edit('passwd', (t) => updatePasswdUserPassword(t, name, op, files));
  }
}

function updatePasswdUserPassword(text: string, name: string, op: (pw: string) => string, files: AccountFiles): string {
  const user = requireUser({ ...files, passwd: text }, name);
  return updatePasswdUser(text, name, { password: op(user.password) });
}

export function planModUser(files: AccountFiles, req: ModUserRequest): ModUserOp {
  const { name } = req;
  const user = requireUser(files, name);
  const groups = groupsOf(files);
  const notes: string[] = [];
  const summary: string[] = [];
  if (req.lock && req.unlock) throw new CliError('usage', 'give --lock or --unlock, not both');
  if (req.moveHome && req.home === undefined) throw new CliError('usage', '--move-home needs --home DIR');
  const add = resolveGroupList(groups, req.addGroups);
  const remove = resolveGroupList(groups, req.removeGroups);
  const both = add.filter((g) => remove.includes(g));
  if (both.length > 0) throw new CliError('usage', `cannot both add and remove ${both.join(', ')}`);

  const edits = new Edits(files);
  const patch: { shell?: string; home?: string; gecos?: string } = {};
  if (req.shell !== undefined && checkShell(req.shell) !== user.shell) {
    patch.shell = req.shell;
    summary.push(`shell ${user.shell || '(default)'} → ${req.shell || '(default)'}`);
  }
  let moveHomeTo: string | null = null;
  if (req.home !== undefined) {
    const home = checkHome(req.home);
    if (!samePath(home, user.home)) {
      patch.home = home;
      summary.push(`home ${user.home} → ${home}${req.moveHome ? ' (moved)' : ''}`);
      if (req.moveHome) moveHomeTo = home;
    }
  }
  if (req.comment !== undefined && checkComment(req.comment) !== user.gecos) {
    patch.gecos = req.comment;
    summary.push(`comment '${user.gecos}' → '${req.comment}'`);
  }
  if (Object.keys(patch).length > 0) edits.edit('passwd', (t) => updatePasswdUser(t, name, patch));

  for (const g of add) {
    const entry = groups.find((x) => x.name === g)!;
    if (entry.members.includes(name)) {
      notes.push(`'${name}' is already a member of ${g}`);
      continue;
    }
    if (entry.gid === user.gid) notes.push(`${g} is also the primary group of '${name}'`);
    edits.edit('group', (t) => addGroupMember(t, g, name));
    edits.edit('gshadow', (t) => (findGshadow(parseGshadow(t), g) ? addGshadowMember(t, g, name) : t));
    summary.push(`+${g}`);
  }
  for (const g of remove) {
    const entry = groups.find((x) => x.name === g)!;
    const inGshadow = files.gshadow !== null && findGshadow(parseGshadow(files.gshadow), g)?.members.includes(name);
    if (!entry.members.includes(name) && !inGshadow) {
      notes.push(`'${name}' is not a member of ${g}${entry.gid === user.gid ? ` (it is the primary group: change it with adduser --group)` : ''}`);
      continue;
    }
    edits.edit('group', (t) => removeGroupMember(t, g, name));
    edits.edit('gshadow', (t) => (findGshadow(parseGshadow(t), g) ? removeGshadowMember(t, g, name) : t));
    summary.push(`-${g}`);
  }

  if (req.lock || req.unlock) {
    const file = files.shadow !== null ? 'shadow' : 'passwd';
    const before = edits.text(file);
    editPassword(edits, files, name, req.lock ? lockPassword : (pw) => unlockPassword(pw, name));
    if (edits.text(file) === before) notes.push(`the password of '${name}' is already ${req.lock ? 'locked' : 'unlocked'}`);
    else summary.push(req.lock ? 'password locked' : 'password unlocked');
  }

  return { kind: 'modify', name, uid: user.uid, summary, oldHome: user.home, moveHomeTo, changes: edits.changes(), notes };
}

// ---- passwd ----

export type PasswordAction = { kind: 'set'; hash: string } | { kind: 'lock' } | { kind: 'unlock' } | { kind: 'expire' } | { kind: 'delete' };

export interface PasswordOp {
  kind: 'password';
  name: string;
  action: PasswordAction['kind'];
  changes: FileChange[];
  notes: string[];
}

export function planPassword(files: AccountFiles, name: string, action: PasswordAction, today: number): PasswordOp {
  requireUser(files, name);
  const edits = new Edits(files);
  const notes: string[] = [];
  switch (action.kind) {
    case 'set':
      editPassword(edits, files, name, () => action.hash);
      edits.edit('shadow', (t) => updateShadowEntry(t, name, { lastChange: today }));
      break;
    case 'lock':
      editPassword(edits, files, name, lockPassword);
      break;
    case 'unlock':
      editPassword(edits, files, name, (pw) => unlockPassword(pw, name));
      break;
    case 'delete':
      editPassword(edits, files, name, () => '');
      break;
    case 'expire':
      if (files.shadow === null) throw new CliError('unsupported', 'this guest has no /etc/shadow: password expiry needs it');
      editPassword(edits, files, name, (pw) => pw);
      edits.edit('shadow', (t) => updateShadowEntry(t, name, { lastChange: 0 }));
      break;
  }
  const changes = edits.changes();
  if (changes.length === 0) {
    const state = { lock: 'already locked', unlock: 'not locked', delete: 'already empty', expire: 'already expired', set: 'unchanged' }[action.kind];
    notes.push(`the password of '${name}' is ${state}: nothing to change`);
  }
  return { kind: 'password', name, action: action.kind, changes, notes };
}
