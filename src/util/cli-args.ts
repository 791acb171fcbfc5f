import { parseArgs, type ParseArgsConfig } from 'node:util';
import { CliError } from './errors.js';

// The one wrapper around node:util parseArgs, for the shell's commands and guestctl's
// subcommands alike: strict options, positionals allowed, and a bad option becomes a one-line
// usage error ending in the command's usage line.

type OptionsConfig = NonNullable<ParseArgsConfig['options']>;

export function parseArgv<const O extends OptionsConfig>(argv: string[], options: O, usage: string) {
  try {
    return parseArgs({ args: argv, options, allowPositionals: true, strict: true });
  } catch (err) {
    throw new CliError('usage', `${cleanParseError((err as Error).message)}; usage: ${usage}`);
  }
}

/** Whether argv asks for help: -h or --help as an option of its own, not as another option's value. */
export function asksForHelp(argv: string[], options: OptionsConfig): boolean {
  const help = { type: 'boolean', short: 'h' } as const;
  return parseArgs({ args: argv, options: { ...options, help }, allowPositionals: true, strict: false }).values.help === true;
}

/** node's message, first sentence only (the rest is advice about `--` that does not fit one line). */
function cleanParseError(message: string): string {
  return (message.split(/\.(?:\s|$)/)[0] ?? message).replace(/^Unknown option/, 'unknown option');
}
