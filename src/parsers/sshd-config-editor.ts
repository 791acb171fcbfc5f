// Setting and unsetting a global sshd option: the new text of each file that changes, every
// other line kept byte for byte.

import { ACCUMULATING, canonicalKeyword, splitArgs, type SshdDirective } from './sshd-config.js';
import type { LoadedSshdConfig, SshdFile } from './sshd-config-model.js';
import { globalOccurrences } from './sshd-config-queries.js';

export class SshdConfigError extends Error {}

/** New text for each file that changes (path → text). */
export type SshdEdit = Map<string, string>;

function checkKeyword(keyword: string): void {
  if (!/^[A-Za-z][A-Za-z0-9]*$/.test(keyword)) throw new SshdConfigError(`not an sshd_config keyword: ${JSON.stringify(keyword)}`);
  const key = keyword.toLowerCase();
  if (key === 'match' || key === 'include') throw new SshdConfigError(`${canonicalKeyword(keyword)} lines are not settings: edit the file for them`);
}

function checkValue(value: string): void {
  if (value.trim() === '') throw new SshdConfigError('the value is empty (use unset to remove a setting)');
  if (/[\r\n\0]/.test(value)) throw new SshdConfigError('the value cannot contain line breaks or NUL bytes');
  if (value.trim().startsWith('#')) throw new SshdConfigError('the value cannot start with # (sshd reads it as a comment)');
  if (!splitArgs(value)) throw new SshdConfigError('the value has an unterminated quote');
}

function replaceLines(text: string, replace: Map<number, string | null>, insert?: { before: number; lines: string[] }): string {
  const lines = text === '' ? [] : text.split('\n');
  const trailing = text.endsWith('\n');
  if (trailing) lines.pop();
  const out: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    if (insert && insert.before === i + 1) out.push(...insert.lines);
    const r = replace.get(i + 1);
    if (r === null) continue;
    out.push(r === undefined ? lines[i]! : r);
  }
  if (insert && insert.before > lines.length) {
    out.push(...insert.lines);
    return out.join('\n') + '\n';
  }
  return out.join('\n') + (trailing ? '\n' : '');
}

function commentOut(d: SshdDirective): string {
  return `#${d.raw}`;
}

function addEdit(edits: SshdEdit, cfg: LoadedSshdConfig, path: string, replace: Map<number, string | null>, insert?: { before: number; lines: string[] }): void {
  const text = edits.get(path) ?? cfg.files.get(path)!.text;
  edits.set(path, replaceLines(text, replace, insert));
}

/** Where a new global line goes in the main file: 1-based line to insert before. */
export function insertionPoint(file: SshdFile, keyword: string): { before: number; blankAfter: boolean } {
  const lines = file.lines;
  const firstMatch = lines.find((l) => l.kind === 'directive' && l.key === 'match');
  const limit = firstMatch ? firstMatch.line : lines.length + 1;
  // After the commented-out default ("#PermitRootLogin prohibit-password"), when there is one
  // before any Match block or commented example of one.
  const kw = keyword.toLowerCase();
  for (const l of lines) {
    if (l.line >= limit) break;
    const m = /^#([A-Za-z][A-Za-z0-9]*)(?:[ \t=]|$)/.exec(l.raw);
    if (l.kind !== 'comment' || !m) continue;
    if (m[1]!.toLowerCase() === 'match') break;
    if (m[1]!.toLowerCase() === kw) return { before: l.line + 1, blankAfter: false };
  }
  if (firstMatch) {
    // Before the Match line and the comment lines that introduce it.
    let before = firstMatch.line;
    while (before > 1 && lines[before - 2]!.kind === 'comment') before--;
    return { before, blankAfter: true };
  }
  return { before: lines.length + 1, blankAfter: false };
}

/**
 * `set KEYWORD VALUE`: the first global line that sshd uses for it gets the new value (in
 * whichever file it is, main or included); for keywords that accumulate (Port, ListenAddress,
 * HostKey, AcceptEnv, ...) the other global lines are commented out so VALUE is the whole
 * setting. Without a global line, one is added to the main file after the commented-out
 * default, or before the first Match block, or at the end. Comments and every other line stay.
 */
export function setSshdOption(cfg: LoadedSshdConfig, keyword: string, value: string): SshdEdit {
  checkKeyword(keyword);
  checkValue(value);
  const key = keyword.toLowerCase();
  const edits: SshdEdit = new Map();
  let globals = globalOccurrences(cfg, keyword);
  if (key === 'subsystem') {
    const name = splitArgs(value)!.args[0];
    globals = globals.filter((o) => o.directive.args[0] === name);
  }
  const first = globals[0];
  if (first) {
    const d = first.directive;
    const replaced = d.raw.slice(0, d.valueStart) + value + d.raw.slice(d.valueEnd);
    const perFile = new Map<string, Map<number, string | null>>();
    const at = (f: string) => perFile.get(f) ?? perFile.set(f, new Map()).get(f)!;
    at(first.file).set(d.line, replaced);
    if (ACCUMULATING.has(key)) for (const o of globals.slice(1)) at(o.file).set(o.directive.line, commentOut(o.directive));
    for (const [f, m] of perFile) addEdit(edits, cfg, f, m);
    return edits;
  }
  const main = cfg.files.get(cfg.main)!;
  const point = insertionPoint(main, keyword);
  const newLine = `${canonicalKeyword(keyword)} ${value}`;
  const next = main.lines[point.before - 1];
  const lines = point.blankAfter && next && next.kind !== 'blank' ? [newLine, ''] : [newLine];
  edits.set(cfg.main, replaceLines(main.text, new Map(), { before: point.before, lines }));
  return edits;
}

/** `unset KEYWORD`: every global line for it is commented out (Match blocks are left alone). */
export function unsetSshdOption(cfg: LoadedSshdConfig, keyword: string): SshdEdit {
  checkKeyword(keyword);
  const edits: SshdEdit = new Map();
  const perFile = new Map<string, Map<number, string | null>>();
  for (const o of globalOccurrences(cfg, keyword)) {
    const m = perFile.get(o.file) ?? perFile.set(o.file, new Map()).get(o.file)!;
    m.set(o.directive.line, commentOut(o.directive));
  }
  for (const [f, m] of perFile) addEdit(edits, cfg, f, m);
  return edits;
}
