// Lossless editing of the colon-separated account databases (/etc/passwd, shadow, group,
// gshadow): every line an edit does not touch comes back byte for byte (comments, blank
// lines, NIS +/- lines, malformed lines, a CR before the newline, a missing final newline).
// A changed line is rebuilt from its own fields with only the edited fields replaced.

import { CliError } from '../util/errors.js';
import { otherLineKind } from './account-lines.js';

export interface ColonFile {
  /** Guest path, for messages. */
  path: string;
  /** Number of fields in a valid entry. */
  fields: number;
}

export const PASSWD_FILE: ColonFile = { path: '/etc/passwd', fields: 7 };
export const SHADOW_FILE: ColonFile = { path: '/etc/shadow', fields: 9 };
export const GROUP_FILE: ColonFile = { path: '/etc/group', fields: 4 };
export const GSHADOW_FILE: ColonFile = { path: '/etc/gshadow', fields: 4 };

interface Lines {
  lines: string[];
  finalNewline: boolean;
}

function toLines(text: string): Lines {
  if (text === '') return { lines: [], finalNewline: true };
  const lines = text.split('\n');
  const finalNewline = lines[lines.length - 1] === '';
  if (finalNewline) lines.pop();
  return { lines, finalNewline };
}

function fromLines({ lines, finalNewline }: Lines): string {
  if (lines.length === 0) return '';
  return lines.join('\n') + (finalNewline ? '\n' : '');
}

/** The entry name of a line, or null for comments, blank and NIS lines. */
function entryName(raw: string): string | null {
  if (otherLineKind(raw) !== null) return null;
  return raw.replace(/\r$/, '').split(':')[0] ?? '';
}

function splitFields(raw: string): { fields: string[]; cr: boolean } {
  const cr = raw.endsWith('\r');
  return { fields: (cr ? raw.slice(0, -1) : raw).split(':'), cr };
}

/** A value that would break the line apart (':' or a line break) is refused, never escaped. */
export function checkField(file: ColonFile, value: string, what = 'field'): void {
  if (/[:\n\r]/.test(value)) {
    throw new CliError('usage', `${what} for ${file.path} cannot contain ':' or a line break: ${JSON.stringify(value)}`);
  }
}

function checkEntry(file: ColonFile, fields: string[]): void {
  if (fields.length !== file.fields) throw new Error(`internal: ${file.path} entries have ${file.fields} fields, got ${fields.length}`);
  for (const f of fields) checkField(file, f);
  if (fields[0] === '' || /^[+-]/.test(fields[0]!)) throw new CliError('usage', `not a valid entry name for ${file.path}: ${JSON.stringify(fields[0])}`);
}

/** 0-based indexes of the lines that are entries named `name`. */
function linesNamed(lines: string[], name: string): number[] {
  const found: number[] = [];
  lines.forEach((raw, i) => {
    if (entryName(raw) === name) found.push(i);
  });
  return found;
}

function theLine(file: ColonFile, lines: string[], name: string): number {
  const found = linesNamed(lines, name);
  if (found.length === 0) throw new CliError('not-found', `no entry '${name}' in ${file.path}`);
  if (found.length > 1) {
    throw new CliError('refused', `${file.path} has ${found.length} entries named '${name}' (lines ${found.map((i) => i + 1).join(', ')}): fix it first (pwck/grpck)`);
  }
  return found[0]!;
}

export function hasEntry(text: string | null, name: string): boolean {
  return text !== null && linesNamed(toLines(text).lines, name).length > 0;
}

/**
 * Add an entry. Like shadow-utils (commonio with KEEP_NIS_AT_END) it goes before the first
 * NIS `+`/`-` line, so compat lookups still end the file; otherwise at the end.
 */
export function appendEntry(text: string, file: ColonFile, fields: string[]): string {
  checkEntry(file, fields);
  const doc = toLines(text);
  if (linesNamed(doc.lines, fields[0]!).length > 0) throw new CliError('exists', `${file.path} already has an entry '${fields[0]}'`);
  const line = fields.join(':');
  const nis = doc.lines.findIndex((raw) => otherLineKind(raw) === 'nis');
  if (nis >= 0) {
    doc.lines.splice(nis, 0, line);
  } else {
    doc.lines.push(line);
    doc.finalNewline = true;
  }
  return fromLines(doc);
}

/** Change the fields of the one entry named `name`; the text is returned unchanged if nothing differs. */
export function updateEntry(text: string, file: ColonFile, name: string, edit: (fields: string[]) => string[]): string {
  const doc = toLines(text);
  const i = theLine(file, doc.lines, name);
  const { fields, cr } = splitFields(doc.lines[i]!);
  if (fields.length !== file.fields) {
    throw new CliError('failed', `${file.path} line ${i + 1} is malformed (${fields.length} fields instead of ${file.fields}): fix it first`);
  }
  const next = edit([...fields]);
  checkEntry(file, next);
  if (next.every((f, k) => f === fields[k])) return text;
  doc.lines[i] = next.join(':') + (cr ? '\r' : '');
  return fromLines(doc);
}

/** Remove the one entry named `name`. */
export function removeEntry(text: string, file: ColonFile, name: string): string {
  const doc = toLines(text);
  doc.lines.splice(theLine(file, doc.lines, name), 1);
  return fromLines(doc);
}

/**
 * Offer every well-formed entry to `edit`; it returns new fields, or null to keep the line
 * as it is. Comments, NIS and malformed lines are never offered.
 */
export function mapEntries(text: string, file: ColonFile, edit: (fields: string[]) => string[] | null): string {
  const doc = toLines(text);
  let changed = false;
  doc.lines = doc.lines.map((raw) => {
    if (entryName(raw) === null) return raw;
    const { fields, cr } = splitFields(raw);
    if (fields.length !== file.fields) return raw;
    const next = edit([...fields]);
    if (next === null || next.every((f, k) => f === fields[k])) return raw;
    checkEntry(file, next);
    changed = true;
    return next.join(':') + (cr ? '\r' : '');
  });
  return changed ? fromLines(doc) : text;
}

/** A comma-separated member list as glibc reads it (empty items dropped). */
export function splitList(field: string): string[] {
  return field
    .split(',')
    .map((m) => m.trim())
    .filter((m) => m !== '');
}
