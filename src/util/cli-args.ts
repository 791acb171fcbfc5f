import { parseArgs, type ParseArgsConfig } from 'node:util';

type Options = NonNullable<ParseArgsConfig['options']>;
import { CliError } from './errors.js';

/** parseArgs for guestctl's subcommands: a bad option becomes a one-line usage error ending in `hint`. */
export function parseCliArgs<const O extends Options>(argv: string[], options: O, hint: string) {
  try {
    return parseArgs({ args: argv, options, allowPositionals: true, strict: true });
  } catch (err) {
    throw new CliError('usage', `${(err as Error).message.split('.')[0]}: ${hint}`);
  }
}
