import { parse } from 'shell-quote';
import { CliError } from '../util/errors.js';

// A prompt line becomes an argv with shell quoting rules. Variables are not expanded and
// globs are not expanded (paths are guest paths): both reach the command literally.
// The one operator is a top-level `|`: what follows it is a host command line (see host-pipe.ts).

export interface ParsedLine {
  argv: string[];
  /** The host command line after `|`, as typed (run by /bin/sh on the host). */
  host?: string;
}

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
        `unsupported shell operator '${e.op}': guestctl runs one command per line, optionally piped into a host command with '|' (quote it, or use run sh -c '…' for a shell in the guest)`,
      );
    }
  }
  return argv;
}

/** `COMMAND [| HOSTCOMMAND]`: the guestctl command's argv and the host command line, if any. */
export function parsePipedLine(line: string): ParsedLine {
  const at = topLevelPipe(line);
  if (at === -1) return { argv: parseLine(line) };
  const argv = parseLine(line.slice(0, at));
  const host = line.slice(at + 1).trim();
  if (argv.length === 0) throw new CliError('usage', `nothing before '|': pipe a guestctl command into a host command (e.g. cat /etc/passwd | grep root)`);
  if (!host) throw new CliError('usage', `nothing after '|': name the host command to pipe into (e.g. cat /etc/passwd | grep root)`);
  return { argv, host };
}

/**
 * Index of the first `|` outside quotes, escapes and comments, or -1. `||` and `|&` are not
 * pipes: they are left in place for parseLine to refuse.
 */
function topLevelPipe(line: string): number {
  let quote: string | null = null;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quote === "'") {
      if (c === "'") quote = null;
    } else if (c === '\\') {
      i++;
    } else if (quote === '"') {
      if (c === '"') quote = null;
    } else if (c === "'" || c === '"') {
      quote = c;
    } else if (c === '#') {
      return -1; // shell-quote reads an unquoted # as the start of a comment, wherever it is
    } else if (c === '|') {
      return line[i + 1] === '|' || line[i + 1] === '&' ? -1 : i;
    }
  }
  return -1;
}

/** `\n`, `\t`, `\\` and `\0`-free escapes in a content argument (for `write`). */
export function unescapeContent(text: string): string {
  return text.replace(/\\(n|t|r|\\)/g, (_, c: string) => ({ n: '\n', t: '\t', r: '\r', '\\': '\\' })[c]!);
}
