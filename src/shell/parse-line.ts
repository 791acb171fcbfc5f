import { parse } from 'shell-quote';
import { CliError } from '../util/errors.js';

// A prompt line becomes an argv with shell quoting rules. Variables are not expanded and
// globs are not expanded (paths are guest paths): both reach the command literally.

export function parseLine(line: string): string[] {
  const argv: string[] = [];
  const entries = parse(line, (name: string) => `$${name}`);
  for (const e of entries) {
    if (typeof e === 'string') {
      argv.push(e);
    } else if ('comment' in e) {
      break;
    } else if ('op' in e && e.op === 'glob') {
      argv.push((e as { pattern: string }).pattern);
    } else if ('op' in e) {
      throw new CliError(
        'usage',
        `unsupported shell operator '${e.op}': guestctl runs one command per line (quote it, or use run sh -c '…' for a shell in the guest)`,
      );
    }
  }
  return argv;
}

/** `\n`, `\t`, `\\` and `\0`-free escapes in a content argument (for `write`). */
export function unescapeContent(text: string): string {
  return text.replace(/\\(n|t|r|\\)/g, (_, c: string) => ({ n: '\n', t: '\t', r: '\r', '\\': '\\' })[c]!);
}
