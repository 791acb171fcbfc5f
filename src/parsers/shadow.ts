// /etc/shadow, lossless like passwd.ts: entries as fields, every other line raw. Editors
// change single fields and keep every other byte; the password helpers follow passwd(1).

import { CliError } from '../util/errors.js';
import { appendEntry, removeEntry, SHADOW_FILE, updateEntry } from './colon-file.js';
import { otherLineKind, splitLines, type PasswdOther } from './passwd.js';

export interface ShadowEntry {
  kind: 'shadow';
  name: string;
  /** The hash, or a marker: '' (no password), '!…' (locked), '*' (disabled). */
  password: string;
  /** Days since 1970-01-01 of the last change; 0: must change at next login; null: empty. */
  lastChange: number | null;
  min: number | null;
  max: number | null;
  warn: number | null;
  inactive: number | null;
  expire: number | null;
  reserved: string;
  line: number;
  raw: string;
}

export type ShadowLine = ShadowEntry | PasswdOther;

/** A shadow day field: '' is null; anything but digits makes the line invalid (glibc skips it). */
function dayField(text: string): number | null | undefined {
  if (text === '') return null;
  if (/^-1$/.test(text)) return null;
  return /^\d{1,10}$/.test(text) ? Number(text) : undefined;
}

export function parseShadow(text: string): ShadowLine[] {
  return splitLines(text).map((raw, i): ShadowLine => {
    const line = i + 1;
    const kind = otherLineKind(raw);
    if (kind) return { kind, line, raw };
    const fields = raw.replace(/\r$/, '').split(':');
    const invalid = (reason: string): PasswdOther => ({ kind: 'invalid', line, raw, reason });
    if (fields.length !== 9) return invalid(`expected 9 fields, found ${fields.length}`);
    const [name, password, ...rest] = fields as [string, string, ...string[]];
    if (name === '') return invalid('empty user name');
    const days = rest.slice(0, 6).map(dayField);
    const bad = days.findIndex((d) => d === undefined);
    if (bad >= 0) return invalid(`bad number '${rest[bad]}'`);
    const [lastChange, min, max, warn, inactive, expire] = days as (number | null)[];
    return { kind: 'shadow', name, password, lastChange: lastChange!, min: min!, max: max!, warn: warn!, inactive: inactive!, expire: expire!, reserved: rest[6]!, line, raw };
  });
}

export function shadowEntries(lines: ShadowLine[]): ShadowEntry[] {
  return lines.filter((e): e is ShadowEntry => e.kind === 'shadow');
}

export function findShadow(lines: ShadowLine[], name: string): ShadowEntry | undefined {
  return shadowEntries(lines).find((e) => e.name === name);
}

// ---- editors ----

export type ShadowFields = Pick<ShadowEntry, 'name' | 'password' | 'lastChange' | 'min' | 'max' | 'warn' | 'inactive' | 'expire'>;

const num = (n: number | null): string => (n === null || n < 0 ? '' : String(n));

export function addShadowEntry(text: string, e: ShadowFields): string {
  return appendEntry(text, SHADOW_FILE, [e.name, e.password, num(e.lastChange), num(e.min), num(e.max), num(e.warn), num(e.inactive), num(e.expire), '']);
}

/** Change fields of one entry; a field not in `patch` keeps its exact text. */
export function updateShadowEntry(text: string, name: string, patch: Partial<Omit<ShadowFields, 'name'>>): string {
  return updateEntry(text, SHADOW_FILE, name, (f) => {
    if (patch.password !== undefined) f[1] = patch.password;
    if (patch.lastChange !== undefined) f[2] = num(patch.lastChange);
    if (patch.min !== undefined) f[3] = num(patch.min);
    if (patch.max !== undefined) f[4] = num(patch.max);
    if (patch.warn !== undefined) f[5] = num(patch.warn);
    if (patch.inactive !== undefined) f[6] = num(patch.inactive);
    if (patch.expire !== undefined) f[7] = num(patch.expire);
    return f;
  });
}

/** Apply `op` to the password field of one entry (the rest of the line is untouched). */
export function editShadowPassword(text: string, name: string, op: (password: string) => string): string {
  return updateEntry(text, SHADOW_FILE, name, (f) => {
    f[1] = op(f[1]!);
    return f;
  });
}

export function removeShadowEntry(text: string, name: string): string {
  return removeEntry(text, SHADOW_FILE, name);
}

// ---- password field semantics (passwd -l/-u/-d/-S) ----

export type PasswordState = 'locked' | 'no-password' | 'has-password' | 'disabled';

/** A crypt(3) hash: `$id$…` (yescrypt, SHA-2, bcrypt, MD5…), 13-char DES or 20-char BSDi. */
export function looksLikeHash(field: string): boolean {
  return /^\$[0-9a-z]+\$[^\s:]+$/i.test(field) || /^[./0-9A-Za-z]{13}$/.test(field) || /^_[./0-9A-Za-z]{19}$/.test(field);
}

/**
 * '' → no-password (anyone can log in without one); '!…' → locked (passwd -l, or useradd's
 * '!' / '!!' before a password is set); a hash → has-password; anything else ('*', 'x',
 * '*LK*'…) can never match a password → disabled.
 */
export function passwordState(field: string): PasswordState {
  if (field === '') return 'no-password';
  if (field.startsWith('!')) return 'locked';
  return looksLikeHash(field) ? 'has-password' : 'disabled';
}

/** passwd -l: a '!' in front (once). */
export function lockPassword(field: string): string {
  return field.startsWith('!') ? field : `!${field}`;
}

/** passwd -u: drop the leading '!', refusing to leave an account without a password. */
export function unlockPassword(field: string, user: string): string {
  if (!field.startsWith('!')) return field;
  const rest = field.slice(1);
  // '!' and RHEL's '!!' mean "no password was ever set": unlocking them would leave ''.
  if (rest.replace(/^!+/, '') === '') {
    throw new CliError('refused', `unlocking ${user} would leave the account without a password: set one first (passwd ${user} --password-file FILE)`);
  }
  return rest;
}

/** Every hash in a shadow/gshadow text (lock marks stripped). */
export function hashesIn(text: string): Set<string> {
  const out = new Set<string>();
  for (const raw of text.split('\n')) {
    if (otherLineKind(raw) !== null) continue;
    const pw = (raw.split(':')[1] ?? '').replace(/^!+/, '');
    if (looksLikeHash(pw)) out.add(pw);
  }
  return out;
}

/**
 * A redacted copy for diffs and logs: every hash becomes `<hash>` (markers like '!' and '*'
 * stay); with `known`, a hash that is not among them becomes `<new hash>`, so a diff still
 * shows that a password changed.
 */
export function redactPasswords(text: string, known?: Set<string>): string {
  return text
    .split('\n')
    .map((raw) => {
      if (otherLineKind(raw) !== null) return raw;
      const f = raw.split(':');
      if (f.length < 2) return raw;
      const pw = f[1]!;
      const lock = /^!*/.exec(pw)![0];
      const hash = pw.slice(lock.length);
      if (looksLikeHash(hash)) f[1] = `${lock}${known && !known.has(hash) ? '<new hash>' : '<hash>'}`;
      return f.join(':');
    })
    .join('\n');
}

// ---- days ----

const DAY_MS = 86_400_000;

/** Days since 1970-01-01 (UTC), as shadow-utils stores dates. */
export function daysSinceEpoch(date: Date = new Date()): number {
  return Math.floor(date.getTime() / DAY_MS);
}

export function dayToIso(days: number): string {
  return new Date(days * DAY_MS).toISOString().slice(0, 10);
}

/** 'YYYY-MM-DD' → days since the epoch, or null when not a valid date. */
export function isoToDay(text: string): number | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (!m) return null;
  const t = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  const d = new Date(t);
  if (d.getUTCFullYear() !== Number(m[1]) || d.getUTCMonth() !== Number(m[2]) - 1 || d.getUTCDate() !== Number(m[3])) return null;
  return Math.floor(t / DAY_MS);
}
