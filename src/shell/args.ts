import type { ParseArgsConfig } from 'node:util';
import { CliError } from '../util/errors.js';
import { parseArgv } from '../util/cli-args.js';
import { Args, type CommandDef } from './command.js';

// Argument parsing and usage lines, both from the command's own spec.

export function usageLine(cmd: CommandDef): string {
  const parts = [cmd.name];
  for (const [name, o] of Object.entries(cmd.options ?? {})) {
    const flag = o.short ? `-${o.short}|--${name}` : `--${name}`;
    parts.push(o.type === 'boolean' ? `[${flag}]` : `[${flag} ${o.valueName ?? name.toUpperCase()}]`);
  }
  for (const p of cmd.positionals ?? []) {
    const n = p.variadic ? `${p.name}...` : p.name;
    parts.push(p.optional ? `[${n}]` : n);
  }
  return parts.join(' ');
}

export function parseCommandArgs(cmd: CommandDef, argv: string[]): Args {
  if (cmd.rawArgs) return new Args({}, {}, argv);
  const options: ParseArgsConfig['options'] = {};
  for (const [name, o] of Object.entries(cmd.options ?? {})) {
    options[name] = { type: o.type, ...(o.short ? { short: o.short } : {}), ...(o.multiple ? { multiple: true } : {}) };
  }
  const parsed = parseArgv(argv, options, usageLine(cmd));
  const specs = cmd.positionals ?? [];
  const given = [...parsed.positionals];
  const positionals: Record<string, string | string[] | undefined> = {};
  for (const spec of specs) {
    if (spec.variadic) {
      positionals[spec.name] = given.splice(0);
      if (!spec.optional && (positionals[spec.name] as string[]).length === 0) throw missing(cmd, spec.name);
    } else {
      const v = given.shift();
      if (v === undefined && !spec.optional) throw missing(cmd, spec.name);
      positionals[spec.name] = v;
    }
  }
  if (given.length > 0) throw new CliError('usage', `too many arguments (${given.join(' ')}); usage: ${usageLine(cmd)}`);
  return new Args(positionals, parsed.values as Record<string, string | boolean | string[] | undefined>, argv);
}

function missing(cmd: CommandDef, name: string): CliError {
  return new CliError('usage', `missing ${name}; usage: ${usageLine(cmd)}`);
}
