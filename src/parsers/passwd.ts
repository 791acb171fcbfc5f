// /etc/passwd, lossless: every line comes back, users as fields and everything else (NIS
// +/- lines, comments, blank and malformed lines) as raw entries, so editors can rewrite
// the file keeping what they do not understand.

import { otherLineKind, parseId, splitLines, type OtherLineKind } from './account-lines.js';
import { appendEntry, PASSWD_FILE, removeEntry, updateEntry } from './colon-file.js';

export { otherLineKind, parseId, splitLines };

/** The seven fields of a passwd line. */
export interface PasswdFields {
  name: string;
  password: string;
  uid: number;
  gid: number;
  gecos: string;
  home: string;
  shell: string;
}

export interface PasswdUser extends PasswdFields {
  kind: 'user';
  /** 1-based line number. */
  line: number;
  /** The line as it was, without its newline. */
  raw: string;
}

export interface PasswdOther {
  /** nis: a +/- compat line; comment/blank: ignored by glibc; invalid: not 7 usable fields. */
  kind: OtherLineKind | 'invalid';
  line: number;
  raw: string;
  /** Why an 'invalid' line is not a user. */
  reason?: string;
}

export type PasswdEntry = PasswdUser | PasswdOther;

export function parsePasswd(text: string): PasswdEntry[] {
  return splitLines(text).map((raw, i): PasswdEntry => {
    const line = i + 1;
    const kind = otherLineKind(raw);
    if (kind) return { kind, line, raw };
    const fields = raw.replace(/\r$/, '').split(':');
    const invalid = (reason: string): PasswdOther => ({ kind: 'invalid', line, raw, reason });
    if (fields.length !== 7) return invalid(`expected 7 fields, found ${fields.length}`);
    const [name, password, uidText, gidText, gecos, home, shell] = fields as [string, string, string, string, string, string, string];
    if (name === '') return invalid('empty user name');
    const uid = parseId(uidText);
    if (uid === null) return invalid(`bad uid '${uidText}'`);
    const gid = parseId(gidText);
    if (gid === null) return invalid(`bad gid '${gidText}'`);
    return { kind: 'user', name, password, uid, gid, gecos, home, shell, line, raw };
  });
}

export function passwdUsers(entries: PasswdEntry[]): PasswdUser[] {
  return entries.filter((e): e is PasswdUser => e.kind === 'user');
}

/**
 * The first user with that name, or with that uid (a number, or an all-digit string that
 * is not itself a user name, the way chown resolves its argument).
 */
export function findUser(entries: PasswdEntry[], nameOrUid: string | number): PasswdUser | undefined {
  const users = passwdUsers(entries);
  if (typeof nameOrUid === 'string') {
    const byName = users.find((u) => u.name === nameOrUid);
    if (byName) return byName;
    const id = parseId(nameOrUid);
    return id === null ? undefined : users.find((u) => u.uid === id);
  }
  return users.find((u) => u.uid === nameOrUid);
}

// ---- editors (pure: text in, text out; untouched lines kept byte for byte) ----

function passwdLine(u: PasswdFields): string[] {
  return [u.name, u.password, String(u.uid), String(u.gid), u.gecos, u.home, u.shell];
}

/** Add a user (before any NIS `+`/`-` lines, as useradd does). */
export function addPasswdUser(text: string, user: PasswdFields): string {
  return appendEntry(text, PASSWD_FILE, passwdLine(user));
}

/** Change fields of the user named `name`; other fields keep their exact text. */
export function updatePasswdUser(text: string, name: string, patch: Partial<Omit<PasswdFields, 'name'>>): string {
  return updateEntry(text, PASSWD_FILE, name, (f) => {
    if (patch.password !== undefined) f[1] = patch.password;
    if (patch.uid !== undefined) f[2] = String(patch.uid);
    if (patch.gid !== undefined) f[3] = String(patch.gid);
    if (patch.gecos !== undefined) f[4] = patch.gecos;
    if (patch.home !== undefined) f[5] = patch.home;
    if (patch.shell !== undefined) f[6] = patch.shell;
    return f;
  });
}

export function removePasswdUser(text: string, name: string): string {
  return removeEntry(text, PASSWD_FILE, name);
}
