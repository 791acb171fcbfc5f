// adduser, planned the way shadow-utils' useradd would do it on that guest (pure).

import { posix } from 'node:path';
import type { FileChange } from '../guest/file-changes.js';
import { hasEntry } from '../parsers/colon-file.js';
import { addGroupEntry, addGroupMember, findGroup } from '../parsers/group.js';
import { addGshadowEntry, addGshadowMember, findGshadow, parseGshadow } from '../parsers/gshadow.js';
import { defBool, defNumber, defString, homeMode, idRange, type LoginDefs } from '../parsers/login-defs.js';
import { addPasswdUser, parseId } from '../parsers/passwd.js';
import { addShadowEntry, isoToDay } from '../parsers/shadow.js';
import { addSubidRange, findFreeRange, parseSubid } from '../parsers/subid.js';
import { CliError } from '../util/errors.js';
import type { AccountFiles } from './accounts.js';
import { checkComment, checkHome, checkShell, Edits, groupsOf, requireGroup, resolveGroupList, usersOf } from './plan-common.js';
import { findNewId, invalidNameReason, reservedId } from './rules.js';

export interface AddUserRequest {
  name: string;
  uid?: number;
  /** --gid N: an existing group's gid. */
  gid?: number;
  /** --group G: an existing group's name (or gid). */
  group?: string;
  groups: string[];
  home?: string;
  shell?: string;
  system: boolean;
  comment?: string;
  /** A crypt(3) hash; without it the account is created locked ('!', RHEL '!!'). */
  passwordHash?: string;
  createHome: boolean;
}

export interface AddUserOp {
  kind: 'add';
  name: string;
  uid: number;
  gid: number;
  primaryGroup: string;
  /** A user private group is created. */
  privateGroup: boolean;
  groups: string[];
  home: string;
  shell: string;
  comment: string;
  system: boolean;
  passwordSet: boolean;
  createHome: { path: string; mode: number; uid: number; gid: number; skel: string } | null;
  mailSpool: { path: string; mode: number; uid: number; gid: number } | null;
  subuid: { start: number; count: number } | null;
  subgid: { start: number; count: number } | null;
  changes: FileChange[];
  notes: string[];
}

export interface PlanEnv {
  /** Days since the epoch (shadow's "last change"). */
  today: number;
}

function range(defs: LoginDefs, prefix: 'UID' | 'GID'): { min: number; max: number; count: number } {
  return {
    min: defNumber(defs, `SUB_${prefix}_MIN`, 100000),
    max: defNumber(defs, `SUB_${prefix}_MAX`, 600100000),
    count: defNumber(defs, `SUB_${prefix}_COUNT`, 65536),
  };
}

export function planAddUser(files: AccountFiles, req: AddUserRequest, env: PlanEnv): AddUserOp {
  const { name, system } = req;
  const defs = files.loginDefs;
  const notes: string[] = [];
  const reason = invalidNameReason(name);
  if (reason) throw new CliError('usage', `invalid user name '${name}': ${reason}`);
  if (hasEntry(files.passwd, name)) throw new CliError('exists', `user '${name}' already exists`);

  const users = usersOf(files);
  const groups = groupsOf(files);

  // uid
  let uid: number;
  if (req.uid !== undefined) {
    if (reservedId(req.uid)) throw new CliError('usage', `uid ${req.uid} is reserved (it means "no user")`);
    const holder = users.find((u) => u.uid === req.uid);
    if (holder) throw new CliError('exists', `uid ${req.uid} is already used by '${holder.name}'`);
    uid = req.uid;
  } else {
    const r = idRange(defs, 'uid', system);
    const found = findNewId(users.map((u) => u.uid), r, system);
    if (found === null) throw new CliError('failed', `no free ${system ? 'system ' : ''}uid left in ${r.min}-${r.max} (see /etc/login.defs)`);
    uid = found;
  }

  // primary group
  if (req.gid !== undefined && req.group !== undefined) throw new CliError('usage', 'give --gid or --group, not both');
  let gid: number;
  let primaryGroup: string;
  let privateGroup = false;
  if (req.gid !== undefined || req.group !== undefined) {
    const g = req.group !== undefined ? requireGroup(groups, req.group) : groups.find((x) => x.gid === req.gid);
    if (!g) throw new CliError('not-found', `no group with gid ${req.gid} in the guest's /etc/group`);
    gid = g.gid;
    primaryGroup = g.name;
  } else if (defBool(defs, 'USERGROUPS_ENAB')) {
    if (hasEntry(files.group, name)) {
      throw new CliError('exists', `a group named '${name}' already exists: pass --group ${name} to make it the primary group`);
    }
    const r = idRange(defs, 'gid', system);
    const found = findNewId(groups.map((g) => g.gid), r, system, uid);
    if (found === null) throw new CliError('failed', `no free ${system ? 'system ' : ''}gid left in ${r.min}-${r.max} (see /etc/login.defs)`);
    gid = found;
    primaryGroup = name;
    privateGroup = true;
  } else {
    const dflt = files.defaults.group;
    const g = findGroup(groups, dflt);
    if (g) {
      gid = g.gid;
      primaryGroup = g.name;
    } else {
      const n = parseId(dflt);
      if (n === null) throw new CliError('not-found', `the default group '${dflt}' (GROUP in /etc/default/useradd) does not exist: pass --group`);
      gid = n;
      primaryGroup = String(n);
      notes.push(`the default primary group ${n} has no entry in /etc/group`);
    }
  }

  const supplementary = resolveGroupList(groups, req.groups);
  const home = checkHome(req.home ?? posix.join(files.defaults.home, name));
  const shell = checkShell(req.shell ?? files.defaults.shell);
  const comment = checkComment(req.comment ?? '');
  const password = req.passwordHash ?? (files.rpmFamily ? '!!' : '!');

  const edits = new Edits(files);
  const shadowed = files.shadow !== null;
  edits.edit('passwd', (t) => addPasswdUser(t, { name, password: shadowed ? 'x' : password, uid, gid, gecos: comment, home, shell }));
  let expire: number | null = null;
  if (!system && files.defaults.expire !== '') {
    expire = isoToDay(files.defaults.expire);
    if (expire === null) notes.push(`EXPIRE=${files.defaults.expire} in /etc/default/useradd is not a date: ignored`);
  }
  const opt = (n: number) => (n < 0 ? null : n);
  edits.edit('shadow', (t) =>
    addShadowEntry(t, {
      name,
      password,
      lastChange: env.today,
      min: system ? null : opt(defNumber(defs, 'PASS_MIN_DAYS', -1)),
      max: system ? null : opt(defNumber(defs, 'PASS_MAX_DAYS', -1)),
      warn: system ? null : opt(defNumber(defs, 'PASS_WARN_AGE', -1)),
      inactive: system ? null : files.defaults.inactive,
      expire,
    }),
  );
  if (privateGroup) {
    edits.edit('group', (t) => addGroupEntry(t, { name, password: 'x', gid, members: [] }));
    edits.edit('gshadow', (t) => addGshadowEntry(t, { name, password: '!', admins: [], members: [] }));
  }
  for (const g of supplementary) {
    edits.edit('group', (t) => addGroupMember(t, g, name));
    edits.edit('gshadow', (t) => (findGshadow(parseGshadow(t), g) ? addGshadowMember(t, g, name) : t));
  }

  // Subordinate IDs for rootless containers: regular users in UID_MIN..UID_MAX, when the
  // guest has /etc/subuid and /etc/subgid (useradd does the same).
  const sub = { uid: null as AddUserOp['subuid'], gid: null as AddUserOp['subgid'] };
  const regular = idRange(defs, 'uid', false);
  if (!system && uid >= regular.min && uid <= regular.max) {
    for (const [file, prefix, key] of [['subuid', 'UID', 'uid'], ['subgid', 'GID', 'gid']] as const) {
      const text = files[file];
      if (text === null) continue;
      const r = range(defs, prefix);
      if (r.count <= 0) continue;
      const ranges = parseSubid(text);
      if (ranges.some((x) => x.owner === name)) continue;
      const start = findFreeRange(ranges, r.min, r.max, r.count);
      if (start === null) {
        notes.push(`no free range of ${r.count} subordinate ${key}s left in /etc/${file}: none given`);
        continue;
      }
      edits.edit(file, (t) => addSubidRange(t, name, start, r.count));
      sub[key] = { start, count: r.count };
    }
  }

  let mailSpool: AddUserOp['mailSpool'] = null;
  if (files.defaults.createMailSpool) {
    const dir = defString(defs, 'MAIL_DIR') ?? (defString(defs, 'MAIL_FILE') ? null : '/var/mail');
    if (dir) {
      const mail = findGroup(groups, 'mail');
      mailSpool = { path: posix.join(dir, name), mode: mail ? 0o660 : 0o600, uid, gid: mail ? mail.gid : gid };
    }
  }

  return {
    kind: 'add',
    name,
    uid,
    gid,
    primaryGroup,
    privateGroup,
    groups: supplementary,
    home,
    shell,
    comment,
    system,
    passwordSet: req.passwordHash !== undefined,
    createHome: req.createHome ? { path: home, mode: homeMode(defs), uid, gid, skel: files.defaults.skel } : null,
    mailSpool,
    subuid: sub.uid,
    subgid: sub.gid,
    changes: edits.changes(),
    notes,
  };
}
