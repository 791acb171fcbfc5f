// find(1)'s own argument syntax, for the `find` command: start paths first, then
// single-dash tests, all ANDed. Pure: argv in, a plan out (or a usage error).

import type { FileType } from '../guest/types.js';
import { CliError } from '../util/errors.js';
import { GlobError, globMatcher } from './glob.js';

export const FIND_USAGE = 'find [PATH...] [-name GLOB] [-iname GLOB] [-type f|d|l|b|c|p|s] [-size [+|-]N[c|k|M|G]] [-maxdepth N] [-mindepth N]';

export interface SizeTest {
  /** '+': more than, '-': less than, '=': exactly (after rounding up to `unit`). */
  cmp: '+' | '-' | '=';
  count: number;
  unit: number;
}

export interface FindPlan {
  paths: string[];
  /** Every one must match the base name. */
  names: ((name: string) => boolean)[];
  /** null: any type. */
  types: Set<FileType> | null;
  sizes: SizeTest[];
  maxDepth: number;
  minDepth: number;
}

const TYPE_LETTERS: Record<string, FileType> = { f: 'file', d: 'directory', l: 'symlink', b: 'block', c: 'char', p: 'fifo', s: 'socket' };

// GNU find's -size units: no suffix means 512-byte blocks.
const UNITS: Record<string, number> = { '': 512, b: 512, c: 1, w: 2, k: 1024, K: 1024, M: 1024 ** 2, G: 1024 ** 3 };

function usage(message: string): CliError {
  return new CliError('usage', `find: ${message}; usage: ${FIND_USAGE}`);
}

/** `-size` argument as GNU find reads it: [+|-]N[bcwkMG] (K is taken for k). */
export function parseFindSize(text: string): SizeTest {
  const m = /^([+-]?)(\d+)([bcwkKMG]?)$/.exec(text);
  if (!m) throw usage(`invalid -size '${text}' (expected e.g. +10M, -4k, 100c)`);
  const cmp = m[1] === '+' ? '+' : m[1] === '-' ? '-' : '=';
  return { cmp, count: Number(m[2]), unit: UNITS[m[3]!]! };
}

/** GNU semantics: the size is rounded up to whole units, so -size -1M matches only empty files. */
export function sizeMatches(size: number, t: SizeTest): boolean {
  const units = Math.ceil(size / t.unit);
  return t.cmp === '+' ? units > t.count : t.cmp === '-' ? units < t.count : units === t.count;
}

export function parseFindArgs(argv: string[]): FindPlan {
  const plan: FindPlan = { paths: [], names: [], types: null, sizes: [], maxDepth: Infinity, minDepth: 0 };
  let i = 0;
  while (i < argv.length && !isTest(argv[i]!)) plan.paths.push(argv[i++]!);
  while (i < argv.length) {
    const opt = argv[i++]!;
    if (!isTest(opt)) throw usage(`paths must come before the tests: '${opt}'`);
    const value = argv[i++];
    if (value === undefined) throw usage(`${opt} needs a value`);
    switch (opt) {
      case '-name':
      case '-iname':
        try {
          plan.names.push(globMatcher(value, { caseInsensitive: opt === '-iname' }));
        } catch (err) {
          if (err instanceof GlobError || err instanceof SyntaxError) throw usage(`invalid pattern '${value}': ${err.message}`);
          throw err;
        }
        break;
      case '-type': {
        const types = new Set<FileType>(plan.types ?? []);
        const wanted = new Set<FileType>();
        for (const letter of value.split(',')) {
          const t = TYPE_LETTERS[letter];
          if (!t) throw usage(`-type takes f, d, l, b, c, p or s (comma-separated for several), not '${value}'`);
          wanted.add(t);
        }
        // Two -type tests are ANDed, as in find.
        plan.types = plan.types === null ? wanted : new Set([...types].filter((t) => wanted.has(t)));
        break;
      }
      case '-size':
        plan.sizes.push(parseFindSize(value));
        break;
      case '-maxdepth':
      case '-mindepth': {
        if (!/^\d+$/.test(value)) throw usage(`${opt} takes a whole number, not '${value}'`);
        if (opt === '-maxdepth') plan.maxDepth = Number(value);
        else plan.minDepth = Number(value);
        break;
      }
      default:
        throw usage(`unknown test '${opt}'`);
    }
  }
  if (plan.paths.length === 0) plan.paths.push('.');
  return plan;
}

/** Anything that starts with '-' and is more than '-' is a test (as in find: a path like -x needs ./-x). */
function isTest(arg: string): boolean {
  return arg.length > 1 && arg.startsWith('-');
}
