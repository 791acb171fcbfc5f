// /etc/group, lossless in the same way as passwd.ts: groups as fields, every other line raw.

import { otherLineKind, parseId, splitLines, type PasswdOther } from './passwd.js';
import { appendEntry, GROUP_FILE, mapEntries, removeEntry, splitList, updateEntry } from './colon-file.js';

export interface GroupEntry {
  kind: 'group';
  name: string;
  password: string;
  gid: number;
  /** Supplementary members, in file order (empty list for an empty field). */
  members: string[];
  /** 1-based line number. */
  line: number;
  /** The line as it was, without its newline. */
  raw: string;
}

export type GroupOther = PasswdOther;
export type GroupLine = GroupEntry | GroupOther;

export function parseGroup(text: string): GroupLine[] {
  return splitLines(text).map((raw, i): GroupLine => {
    const line = i + 1;
    const kind = otherLineKind(raw);
    if (kind) return { kind, line, raw };
    const fields = raw.replace(/\r$/, '').split(':');
    const invalid = (reason: string): GroupOther => ({ kind: 'invalid', line, raw, reason });
    if (fields.length !== 4) return invalid(`expected 4 fields, found ${fields.length}`);
    const [name, password, gidText, memberText] = fields as [string, string, string, string];
    if (name === '') return invalid('empty group name');
    const gid = parseId(gidText);
    if (gid === null) return invalid(`bad gid '${gidText}'`);
    const members = memberText
      .split(',')
      .map((m) => m.trim())
      .filter((m) => m !== '');
    return { kind: 'group', name, password, gid, members, line, raw };
  });
}

export function groupEntries(entries: GroupLine[]): GroupEntry[] {
  return entries.filter((e): e is GroupEntry => e.kind === 'group');
}

/** The first group with that name, or with that gid (number, or digits that are not a name). */
export function findGroup(entries: GroupLine[], nameOrGid: string | number): GroupEntry | undefined {
  const groups = groupEntries(entries);
  if (typeof nameOrGid === 'string') {
    const byName = groups.find((g) => g.name === nameOrGid);
    if (byName) return byName;
    const id = parseId(nameOrGid);
    return id === null ? undefined : groups.find((g) => g.gid === id);
  }
  return groups.find((g) => g.gid === nameOrGid);
}

// ---- editors (pure: text in, text out; untouched lines kept byte for byte) ----

export interface GroupFields {
  name: string;
  password: string;
  gid: number;
  members: string[];
}

/** Add a group (before any NIS `+`/`-` lines, as groupadd/useradd do). */
export function addGroupEntry(text: string, g: GroupFields): string {
  return appendEntry(text, GROUP_FILE, [g.name, g.password, String(g.gid), g.members.join(',')]);
}

export function removeGroupEntry(text: string, name: string): string {
  return removeEntry(text, GROUP_FILE, name);
}

/** Add `user` to the member list of `group` (no change when already there). */
export function addGroupMember(text: string, group: string, user: string): string {
  return updateEntry(text, GROUP_FILE, group, (f) => {
    const members = splitList(f[3]!);
    if (!members.includes(user)) f[3] = [...members, user].join(',');
    return f;
  });
}

/** Take `user` out of the member list of `group` (no change when not there). */
export function removeGroupMember(text: string, group: string, user: string): string {
  return updateEntry(text, GROUP_FILE, group, (f) => {
    const members = splitList(f[3]!);
    if (members.includes(user)) f[3] = members.filter((m) => m !== user).join(',');
    return f;
  });
}

/** Take `user` out of every group's member list (as userdel does). */
export function removeMemberEverywhere(text: string, user: string): string {
  return mapEntries(text, GROUP_FILE, (f) => {
    const members = splitList(f[3]!);
    if (!members.includes(user)) return null;
    f[3] = members.filter((m) => m !== user).join(',');
    return f;
  });
}
