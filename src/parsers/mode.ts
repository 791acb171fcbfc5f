// chmod modes exactly as GNU chmod computes them (with umask 0), and ls-style mode strings.
//
// Octal: 1-4 digits set the bits, except that a directory keeps its set-user-ID and
// set-group-ID bits unless they are given (5+ digits like 00755, or =755, clear them).
// Symbolic: [ugoa]*([-+=]([rwxXst]*|[ugo]))+ clauses separated by commas, or [-+=]octal.
// No "who" means all bits (the umask is deliberately not applied). On directories '='
// never clears set-user-ID / set-group-ID; only '-' does.

import type { FileType } from '../guest/types.js';

const ALL = 0o7777;
const SPECIAL_IDS = 0o6000;
const WHO: Record<string, number> = { u: 0o4700, g: 0o2070, o: 0o1007, a: ALL };
const PERM: Record<string, number> = { r: 0o444, w: 0o222, x: 0o111, s: 0o6000, t: 0o1000 };
const SHIFT: Record<string, number> = { u: 6, g: 3, o: 0 };

function applyOp(mode: number, op: string, affected: number, value: number, isDir: boolean): number {
  const v = value & affected;
  if (op === '+') return mode | v;
  if (op === '-') return mode & ~v;
  const keep = (~affected & ALL) | (isDir ? SPECIAL_IDS : 0);
  return (mode & keep) | v;
}

/** The new permission bits (mode & 0o7777) after applying a chmod mode string to `current`. */
export function parseMode(spec: string, current: number, isDir: boolean): number {
  const invalid = (): Error => new Error(`invalid mode: '${spec}'`);
  let mode = current & ALL;

  if (/^[0-7]+$/.test(spec)) {
    const value = parseInt(spec, 8);
    if (value > ALL) throw invalid();
    return isDir && spec.length < 5 ? value | (mode & SPECIAL_IDS) : value;
  }
  if (spec === '') throw invalid();

  for (const clause of spec.split(',')) {
    const octal = /^([-+=])([0-7]+)$/.exec(clause);
    if (octal) {
      const value = parseInt(octal[2] as string, 8);
      if (value > ALL) throw invalid();
      mode = applyOp(mode, octal[1] as string, ALL, value, false);
      continue;
    }
    let i = 0;
    let who = 0;
    while (i < clause.length && WHO[clause[i] as string] !== undefined) who |= WHO[clause[i++] as string] as number;
    const affected = who || ALL;
    if (i >= clause.length) throw invalid(); // no operator: 'u', 'ug', or an empty clause
    while (i < clause.length) {
      const op = clause[i++] as string;
      if (op !== '+' && op !== '-' && op !== '=') throw invalid();
      const c = clause[i];
      let value = 0;
      if (c !== undefined && SHIFT[c] !== undefined) {
        // Copy another class's current bits: g=u, o+g.
        const bits = (mode >> (SHIFT[c] as number)) & 7;
        value = (bits << 6) | (bits << 3) | bits;
        i++;
      } else {
        while (i < clause.length && '+-='.indexOf(clause[i] as string) === -1) {
          const p = clause[i++] as string;
          if (p === 'X') {
            if (isDir || (mode & 0o111) !== 0) value |= 0o111;
          } else if (PERM[p] !== undefined) {
            value |= PERM[p] as number;
          } else {
            throw invalid();
          }
        }
      }
      if (i < clause.length && '+-='.indexOf(clause[i] as string) === -1) throw invalid(); // 'u+gx'
      mode = applyOp(mode, op, affected, value, isDir);
    }
  }
  return mode;
}

const TYPE_CHARS: Record<FileType, string> = {
  file: '-',
  directory: 'd',
  symlink: 'l',
  block: 'b',
  char: 'c',
  fifo: 'p',
  socket: 's',
  unknown: '?',
};

/** ls -l's mode column: formatMode('d', 0o1777) → 'drwxrwxrwt'. `type` is a type char or a FileType. */
export function formatMode(type: string, mode: number): string {
  const t = type.length === 1 ? type : (TYPE_CHARS[type as FileType] ?? '?');
  const triad = (shift: number, special: number, on: string, off: string): string => {
    const bits = (mode >> shift) & 7;
    const x = bits & 1;
    const s = (mode & special) !== 0;
    return (bits & 4 ? 'r' : '-') + (bits & 2 ? 'w' : '-') + (s ? (x ? on : off) : x ? 'x' : '-');
  };
  return t + triad(6, 0o4000, 's', 'S') + triad(3, 0o2000, 's', 'S') + triad(0, 0o1000, 't', 'T');
}
