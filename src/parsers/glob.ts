// Shell-style globs as find(1) matches them against a base name (fnmatch without
// FNM_PATHNAME or FNM_PERIOD: `*` and `?` also match a leading dot, as in GNU find -name).
//
//   *        any run of characters, including none
//   ?        exactly one character
//   [abc]    one of a, b, c; ranges [a-z]; negation [!a-z] or [^a-z]; `]` first is literal;
//            POSIX classes [[:digit:]] etc. with their ASCII (C locale) meaning
//   \c       the character c itself
// An unclosed `[` is a literal `[`. A range written backwards ([z-a]) matches nothing.

const CLASSES: Record<string, string> = {
  alpha: 'a-zA-Z',
  digit: '0-9',
  alnum: 'a-zA-Z0-9',
  upper: 'A-Z',
  lower: 'a-z',
  space: ' \\t\\n\\r\\f\\v',
  blank: ' \\t',
  punct: '!-\\/:-@\\[-`{-~',
  print: ' -~',
  graph: '!-~',
  cntrl: '\\x00-\\x1f\\x7f',
  xdigit: '0-9A-Fa-f',
};

const SPECIAL = /[\\^$.*+?()[\]{}|/]/g;

function escapeChar(c: string): string {
  return c.replace(SPECIAL, '\\$&');
}

function escapeInClass(c: string): string {
  return /[\\\]\[^-]/.test(c) ? `\\${c}` : c;
}

export class GlobError extends Error {}

/** The source of an anchored RegExp (flags `su`, plus `i` for case-insensitive) for `glob`. */
export function globSource(glob: string): string {
  const chars = Array.from(glob); // by code point, so `?` matches one character, not one UTF-16 unit
  let re = '';
  let i = 0;
  while (i < chars.length) {
    const c = chars[i]!;
    if (c === '*') {
      while (chars[i + 1] === '*') i++;
      re += '.*';
      i++;
    } else if (c === '?') {
      re += '.';
      i++;
    } else if (c === '\\') {
      re += escapeChar(chars[i + 1] ?? '\\');
      i += 2;
    } else if (c === '[') {
      const parsed = parseBracket(chars, i);
      if (parsed === null) {
        re += '\\[';
        i++;
      } else {
        re += parsed.source;
        i = parsed.end;
      }
    } else {
      re += escapeChar(c);
      i++;
    }
  }
  return `^${re}$`;
}

/** A bracket expression starting at chars[start] === '['; null when it is not closed. */
function parseBracket(chars: string[], start: number): { source: string; end: number } | null {
  let i = start + 1;
  let negate = false;
  if (chars[i] === '!' || chars[i] === '^') {
    negate = true;
    i++;
  }
  let body = '';
  let first = true;
  while (i < chars.length) {
    let c = chars[i]!;
    if (c === ']' && !first) {
      const source = negate ? `[^${body}]` : body === '' ? '(?!)' : `[${body}]`;
      return { source, end: i + 1 };
    }
    first = false;
    if (c === '[' && chars[i + 1] === ':') {
      const close = findClassEnd(chars, i + 2);
      if (close !== -1) {
        const name = chars.slice(i + 2, close).join('');
        const cls = CLASSES[name];
        if (cls === undefined) throw new GlobError(`unknown character class [:${name}:]`);
        body += cls;
        i = close + 2;
        continue;
      }
    }
    if (c === '\\' && i + 1 < chars.length) c = chars[++i]!;
    // A range: c-d, unless the '-' is the last character before ']'.
    if (chars[i + 1] === '-' && i + 2 < chars.length && chars[i + 2] !== ']') {
      let d = chars[i + 2]!;
      let next = i + 3;
      if (d === '\\' && i + 3 < chars.length) {
        d = chars[i + 3]!;
        next = i + 4;
      }
      if (c.codePointAt(0)! <= d.codePointAt(0)!) body += `${escapeInClass(c)}-${escapeInClass(d)}`;
      i = next;
      continue;
    }
    body += escapeInClass(c);
    i++;
  }
  return null;
}

function findClassEnd(chars: string[], from: number): number {
  for (let j = from; j + 1 < chars.length; j++) {
    if (chars[j] === ':' && chars[j + 1] === ']') return j;
    if (!/[a-z]/.test(chars[j]!)) return -1;
  }
  return -1;
}

/** An anchored RegExp matching whole names. */
export function globToRegExp(glob: string, opts: { caseInsensitive?: boolean } = {}): RegExp {
  return new RegExp(globSource(glob), opts.caseInsensitive ? 'sui' : 'su');
}

/** True when `glob` contains a wildcard, a bracket expression or an escape. */
export function hasGlobChars(glob: string): boolean {
  return /[*?[\\]/.test(glob);
}

/**
 * A fast predicate for `glob`: plain names, `*suffix` and `prefix*` are compared as strings
 * (the common find patterns); everything else goes through the RegExp.
 */
export function globMatcher(glob: string, opts: { caseInsensitive?: boolean } = {}): (name: string) => boolean {
  const ci = opts.caseInsensitive === true;
  const re = globToRegExp(glob, opts); // validates the glob even when a fast path is taken
  if (!ci) {
    if (!hasGlobChars(glob)) return (name) => name === glob;
    const rest = glob.slice(1);
    if (glob.startsWith('*') && !hasGlobChars(rest)) return (name) => name.endsWith(rest);
    const head = glob.slice(0, -1);
    if (glob.endsWith('*') && !hasGlobChars(head)) return (name) => name.startsWith(head);
  }
  return (name) => re.test(name);
}
