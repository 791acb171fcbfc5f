import { CliError } from '../../../src/util/errors.js';

// grep's patterns as JS regular expressions: close to grep -E (alternation, groups, + ? {m,n}
// without backslashes), plus the POSIX bracket classes ([[:digit:]] ...) that JS lacks.
// Back-references and lookarounds are JS's; there are no grep -G (basic) escapes like \| or \(.

const CLASSES: Record<string, string> = {
  alpha: 'A-Za-z',
  digit: '0-9',
  alnum: '0-9A-Za-z',
  upper: 'A-Z',
  lower: 'a-z',
  space: ' \\t\\n\\r\\f\\v',
  blank: ' \\t',
  punct: '!-\\/:-@\\[-`{-~',
  xdigit: '0-9A-Fa-f',
  cntrl: '\\x00-\\x1f\\x7f',
  print: ' -~',
  graph: '!-~',
};

export function grepRegExp(pattern: string, ignoreCase: boolean): RegExp {
  const source = pattern.replace(/\[:([a-z]+):\]/g, (whole, name: string) => {
    const cls = CLASSES[name];
    if (cls === undefined) throw new CliError('usage', `grep: unknown character class [:${name}:]`);
    return cls;
  });
  try {
    return new RegExp(source, ignoreCase ? 'i' : '');
  } catch (err) {
    throw new CliError('usage', `grep: invalid pattern ${JSON.stringify(pattern)}: ${(err as Error).message}`);
  }
}
