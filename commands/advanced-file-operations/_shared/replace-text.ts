import { CliError } from '../../../src/util/errors.js';

// grep-replace's matcher: a literal string by default (no character is special, not even $ in
// the replacement), or a JavaScript regular expression whose replacement may use $1, $<name>, $&.

export interface Replacer {
  /** The new text and how many matches were replaced. */
  apply(text: string): { text: string; matches: number };
}

export function makeReplacer(pattern: string, replacement: string, regex: boolean): Replacer {
  if (pattern === '') throw new CliError('usage', 'grep-replace: the PATTERN is empty');
  if (!regex) {
    return {
      apply(text) {
        const pieces = text.split(pattern);
        return { text: pieces.join(replacement), matches: pieces.length - 1 };
      },
    };
  }
  let re: RegExp;
  try {
    re = new RegExp(pattern, 'gm');
  } catch (err) {
    throw new CliError('usage', `grep-replace: invalid regular expression: ${(err as Error).message}`);
  }
  return {
    apply(text) {
      // The same expression both counts and replaces, so the count is the number of replacements.
      const matches = [...text.matchAll(re)].length;
      return { text: matches === 0 ? text : text.replace(re, replacement), matches };
    },
  };
}
