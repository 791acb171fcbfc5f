// /etc/gshadow (name:password:admins:members), lossless like group.ts.

import { appendEntry, GSHADOW_FILE, mapEntries, removeEntry, splitList, updateEntry } from './colon-file.js';
import { otherLineKind, splitLines, type PasswdOther } from './passwd.js';

export interface GshadowEntry {
  kind: 'gshadow';
  name: string;
  password: string;
  admins: string[];
  members: string[];
  line: number;
  raw: string;
}

export type GshadowLine = GshadowEntry | PasswdOther;

export function parseGshadow(text: string): GshadowLine[] {
  return splitLines(text).map((raw, i): GshadowLine => {
    const line = i + 1;
    const kind = otherLineKind(raw);
    if (kind) return { kind, line, raw };
    const fields = raw.replace(/\r$/, '').split(':');
    if (fields.length !== 4) return { kind: 'invalid', line, raw, reason: `expected 4 fields, found ${fields.length}` };
    const [name, password, admins, members] = fields as [string, string, string, string];
    if (name === '') return { kind: 'invalid', line, raw, reason: 'empty group name' };
    return { kind: 'gshadow', name, password, admins: splitList(admins), members: splitList(members), line, raw };
  });
}

export function gshadowEntries(lines: GshadowLine[]): GshadowEntry[] {
  return lines.filter((e): e is GshadowEntry => e.kind === 'gshadow');
}

export function findGshadow(lines: GshadowLine[], name: string): GshadowEntry | undefined {
  return gshadowEntries(lines).find((e) => e.name === name);
}

// ---- editors ----

export interface GshadowFields {
  name: string;
  password: string;
  admins: string[];
  members: string[];
}

export function addGshadowEntry(text: string, g: GshadowFields): string {
  return appendEntry(text, GSHADOW_FILE, [g.name, g.password, g.admins.join(','), g.members.join(',')]);
}

export function removeGshadowEntry(text: string, name: string): string {
  return removeEntry(text, GSHADOW_FILE, name);
}

export function addGshadowMember(text: string, group: string, user: string): string {
  return updateEntry(text, GSHADOW_FILE, group, (f) => {
    const members = splitList(f[3]!);
    if (!members.includes(user)) f[3] = [...members, user].join(',');
    return f;
  });
}

export function removeGshadowMember(text: string, group: string, user: string): string {
  return updateEntry(text, GSHADOW_FILE, group, (f) => {
    const members = splitList(f[3]!);
    if (members.includes(user)) f[3] = members.filter((m) => m !== user).join(',');
    return f;
  });
}

/** Take `user` out of every member and administrator list (as userdel does). */
export function removeFromAllGshadow(text: string, user: string): string {
  return mapEntries(text, GSHADOW_FILE, (f) => {
    const admins = splitList(f[2]!);
    const members = splitList(f[3]!);
    if (!admins.includes(user) && !members.includes(user)) return null;
    if (admins.includes(user)) f[2] = admins.filter((m) => m !== user).join(',');
    if (members.includes(user)) f[3] = members.filter((m) => m !== user).join(',');
    return f;
  });
}
