// ~/.ssh/authorized_keys, lossless: every line comes back (keys with their options and comment,
// comments, blank lines, lines sshd would skip), so the editors below rewrite the file keeping
// every line they do not touch byte for byte.
//
// A line is read the way sshd reads it (auth_check_authkey_line): leading blanks skipped, empty
// and '#' lines ignored; first try "TYPE BASE64 [COMMENT]", otherwise an options field ends at
// the first space or tab outside double quotes (\" escapes a quote) and the key follows it.

import { isKeyType, KeyError, parsePublicKey, type PublicKey } from './ssh-key.js';
import { splitLines } from './passwd.js';

export interface AuthorizedKey extends PublicKey {
  kind: 'key';
  /** 1-based line number. */
  line: number;
  raw: string;
  /** The options field as written (e.g. `command="x",no-pty`), or null. */
  options: string | null;
  comment: string;
}

export interface AuthorizedOther {
  /** blank/comment: ignored by sshd; invalid: a line sshd cannot use (see `error`). */
  kind: 'blank' | 'comment' | 'invalid';
  line: number;
  raw: string;
  error?: string;
}

export type AuthorizedLine = AuthorizedKey | AuthorizedOther;

const BLANK = /^[ \t]*/;

/** Split at the first space/tab outside double quotes; null for an unterminated quote. */
export function splitOptions(text: string): { options: string; rest: string } | null {
  let quoted = false;
  let i = 0;
  for (; i < text.length && (quoted || (text[i] !== ' ' && text[i] !== '\t')); i++) {
    if (text[i] === '\\' && text[i + 1] === '"') i++;
    else if (text[i] === '"') quoted = !quoted;
  }
  if (quoted) return null;
  return { options: text.slice(0, i), rest: text.slice(i).replace(BLANK, '') };
}

/** The options field split at commas outside quotes: `command="a,b"`, `no-pty`. */
export function optionList(options: string): string[] {
  const out: string[] = [];
  let quoted = false;
  let cur = '';
  for (let i = 0; i < options.length; i++) {
    const c = options[i]!;
    if (c === '\\' && options[i + 1] === '"') {
      cur += c + '"';
      i++;
    } else if (c === '"') {
      quoted = !quoted;
      cur += c;
    } else if (c === ',' && !quoted) {
      out.push(cur);
      cur = '';
    } else cur += c;
  }
  out.push(cur);
  return out.filter((o) => o !== '');
}

interface KeyPart {
  key: PublicKey;
  comment: string;
}

/** "TYPE BASE64 [COMMENT]" at the start of `text`; throws KeyError when it is not a usable key. */
function readKey(text: string): KeyPart {
  const m = /^([^ \t]+)[ \t]+([^ \t]+)(?:[ \t]+(.*))?$/s.exec(text);
  if (!m) {
    const only = /^[^ \t]+/.exec(text)?.[0] ?? '';
    throw new KeyError(isKeyType(only) ? `${only} with no key payload` : 'not a public key');
  }
  const type = m[1]!;
  if (!isKeyType(type)) throw new KeyError(/^(ssh|ecdsa|sk)-/.test(type) ? `unknown key type ${JSON.stringify(type)}` : 'not a public key');
  const key = parsePublicKey(type, m[2]!);
  return { key, comment: (m[3] ?? '').replace(/[ \t]+$/, '') };
}

/** Parse one line (without its newline) as sshd would. */
export function parseAuthorizedLine(raw: string, line = 1): AuthorizedLine {
  const body = raw.replace(/\r$/, '').replace(BLANK, '');
  if (body === '') return { kind: 'blank', line, raw };
  if (body.startsWith('#')) return { kind: 'comment', line, raw };
  let firstError: string;
  try {
    const { key, comment } = readKey(body);
    return { kind: 'key', line, raw, options: null, comment, ...key };
  } catch (err) {
    if (!(err instanceof KeyError)) throw err;
    firstError = err.message;
  }
  const first = /^[^ \t]+/.exec(body)![0];
  // The first word is a key type whose payload is wrong: report that, not "bad options".
  if (isKeyType(first)) return { kind: 'invalid', line, raw, error: firstError };
  const split = splitOptions(body);
  if (!split) return { kind: 'invalid', line, raw, error: 'unterminated quote in the options' };
  if (split.rest === '') return { kind: 'invalid', line, raw, error: 'no key after the options' };
  try {
    const { key, comment } = readKey(split.rest);
    return { kind: 'key', line, raw, options: split.options, comment, ...key };
  } catch (err) {
    if (!(err instanceof KeyError)) throw err;
    return { kind: 'invalid', line, raw, error: err.message };
  }
}

export function parseAuthorizedKeys(text: string): AuthorizedLine[] {
  return splitLines(text).map((raw, i) => parseAuthorizedLine(raw, i + 1));
}

export function authorizedKeys(lines: AuthorizedLine[]): AuthorizedKey[] {
  return lines.filter((l): l is AuthorizedKey => l.kind === 'key');
}

/** Same key: same payload (which includes the type); options and comment do not count. */
export function sameKey(a: PublicKey, b: PublicKey): boolean {
  return a.type === b.type && a.blob.equals(b.blob);
}

/** The line written for a key: `[OPTIONS ]TYPE BASE64[ COMMENT]`. */
export function formatKeyLine(k: { options?: string | null; type: string; base64: string; comment?: string }): string {
  const parts = [k.options, k.type, k.base64, k.comment].filter((p): p is string => typeof p === 'string' && p !== '');
  return parts.join(' ');
}

export interface AddResult {
  text: string;
  added: AuthorizedKey[];
  /** Keys already in the file (or given twice): each with the index of the key already there. */
  duplicates: { key: AuthorizedKey; index: number }[];
}

/**
 * Append the keys that are not in `text` yet (a key given twice is added once). Every existing
 * line stays as it was; a missing final newline is added before the new lines.
 */
export function addAuthorizedKeys(text: string | null, keys: AuthorizedKey[]): AddResult {
  let out = text ?? '';
  const present = authorizedKeys(parseAuthorizedKeys(out));
  const added: AuthorizedKey[] = [];
  const duplicates: AddResult['duplicates'] = [];
  for (const k of keys) {
    const at = present.findIndex((p) => sameKey(p, k));
    if (at >= 0) {
      duplicates.push({ key: k, index: at + 1 });
      continue;
    }
    const line = formatKeyLine(k);
    if (/[\r\n]/.test(line)) throw new KeyError('a key line cannot contain a line break');
    if (out !== '' && !out.endsWith('\n')) out += '\n';
    out += line + '\n';
    const entry = { ...k, line: splitLines(out).length, raw: line };
    present.push(entry);
    added.push(entry);
  }
  return { text: out, added, duplicates };
}

/** Remove the given 1-based line numbers, keeping every other line byte for byte. */
export function removeLines(text: string, lineNumbers: number[]): string {
  const drop = new Set(lineNumbers);
  const parts = text.split('\n');
  // parts[i] is line i+1; a final '' after the last newline is not a line.
  const trailing = text.endsWith('\n');
  const lines = trailing ? parts.slice(0, -1) : parts;
  const kept = lines.filter((_, i) => !drop.has(i + 1));
  if (kept.length === 0) return '';
  return kept.join('\n') + (trailing || drop.has(lines.length) ? '\n' : '');
}

export type KeySelector = { by: 'index'; index: number } | { by: 'fingerprint'; fingerprint: string } | { by: 'comment'; comment: string };

/** INDEX (1-based, as ssh-listkeys numbers the keys), SHA256:FINGERPRINT, or a comment. */
export function parseKeySelector(text: string): KeySelector {
  if (/^\d+$/.test(text)) return { by: 'index', index: Number(text) };
  if (/^SHA256:[A-Za-z0-9+/]{43}$/.test(text)) return { by: 'fingerprint', fingerprint: text };
  return { by: 'comment', comment: text };
}

/** The keys a selector names (every line holding that key for a fingerprint; every key with that comment). */
export function selectKeys(keys: AuthorizedKey[], sel: KeySelector): AuthorizedKey[] {
  switch (sel.by) {
    case 'index':
      return sel.index >= 1 && sel.index <= keys.length ? [keys[sel.index - 1]!] : [];
    case 'fingerprint':
      return keys.filter((k) => k.fingerprint === sel.fingerprint);
    case 'comment':
      return keys.filter((k) => k.comment === sel.comment);
  }
}
