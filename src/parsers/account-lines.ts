// Line-level rules shared by the colon-separated account databases (passwd, shadow, group,
// gshadow, subuid): how a file splits into lines, which lines are not entries, what an id is.

/** nis: a +/- compat line; comment/blank: ignored by glibc. */
export type OtherLineKind = 'nis' | 'comment' | 'blank';

/** Lines of a text file without their terminators; no phantom line after a final newline. */
export function splitLines(text: string): string[] {
  if (text === '') return [];
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  return lines;
}

/** A decimal user/group id as glibc accepts it (0 .. 2^32-2; 2^32-1 is "no id"). */
export function parseId(text: string): number | null {
  if (!/^\d{1,10}$/.test(text)) return null;
  const n = Number(text);
  return n <= 0xfffffffe ? n : null;
}

/** Classify a line that is not a regular entry; null when it should be parsed as one. */
export function otherLineKind(raw: string): OtherLineKind | null {
  const body = raw.replace(/\r$/, '');
  if (body.trim() === '') return 'blank';
  if (body.trimStart().startsWith('#')) return 'comment';
  if (body.startsWith('+') || body.startsWith('-')) return 'nis';
  return null;
}
