import { EXIT_STATUS } from '../util/errors.js';
import type { CliCommand, CliOptionSpec } from './spec.js';

// Usage lines and help texts of guestctl's subcommands, generated from their specs.

/** Every usage line of a command, `guestctl NAME …` each. */
export function usageLines(cmd: CliCommand): string[] {
  const forms = cmd.forms ?? [generatedForm(cmd)];
  return forms.map((form) => ['guestctl', cmd.name, ...form.split(' ').filter(Boolean).map((t) => expand(cmd, t))].join(' '));
}

/** The first usage line: what a usage error ends with. */
export function usage(cmd: CliCommand): string {
  return usageLines(cmd)[0]!;
}

function generatedForm(cmd: CliCommand): string {
  const positionals = (cmd.positionals ?? []).map((p) => {
    const n = p.variadic ? `${p.name}...` : p.name;
    return p.optional ? `[${n}]` : n;
  });
  const options = Object.entries(cmd.options)
    .filter(([, o]) => !o.listOnly)
    .map(([name]) => `[--${name}]`);
  return [...positionals, ...options].join(' ');
}

function expand(cmd: CliCommand, token: string): string {
  const m = /^(\[?)(--?)([\w-]+)(\]?)$/.exec(token);
  if (!m) return token;
  const [, open, dashes, key, close] = m as unknown as [string, string, string, string, string];
  const entry = dashes === '--' ? ([key, cmd.options[key]] as const) : Object.entries(cmd.options).find(([, o]) => o.short === key);
  const option = entry?.[1];
  if (!entry || !option) throw new Error(`internal: the usage of guestctl ${cmd.name} names an unknown option ${token}`);
  return `${open}${dashes}${key}${valueOf(entry[0], option)}${close}${option.multiple ? '...' : ''}`;
}

function valueOf(name: string, o: CliOptionSpec): string {
  return o.type === 'boolean' ? '' : ` ${o.valueName ?? name.toUpperCase()}`;
}

/** `guestctl CMD --help`. */
export function commandHelp(cmd: CliCommand): string {
  const [first, ...more] = usageLines(cmd);
  const lines = [`guestctl ${cmd.name} — ${cmd.summary}`, '', `usage: ${first}`, ...more.map((l) => `       ${l}`)];
  if (cmd.description) lines.push('', cmd.description);
  const described = (cmd.positionals ?? []).filter((p) => p.description);
  const options = Object.entries(cmd.options);
  if (described.length > 0 || options.length > 0) lines.push('');
  for (const p of described) lines.push(`  ${p.name.padEnd(22)} ${p.description}`);
  for (const [name, o] of options) lines.push(`  ${`${o.short ? `-${o.short}, ` : ''}--${name}${valueOf(name, o)}`.padEnd(22)} ${o.description}`);
  if (cmd.aliases?.length) lines.push('', `aliases: ${cmd.aliases.join(', ')}`);
  lines.push('', 'examples:', ...cmd.examples.map((e) => `  ${e}`), '');
  return lines.join('\n');
}

/** `guestctl --help`: every command's usage lines and summary. */
export function overviewHelp(cmds: readonly CliCommand[]): string {
  const width = Math.max(...cmds.map((c) => c.name.length)) + 2;
  return [
    'guestctl — a shell for libvirt/QEMU guests',
    '',
    'usage:',
    ...cmds.flatMap((c) => usageLines(c).map((l) => `  ${l}`)),
    '  guestctl --version',
    '',
    'commands:',
    ...cmds.map((c) => `  ${c.name.padEnd(width)}${c.summary}${c.aliases?.length ? ` (also: ${c.aliases.join(', ')})` : ''}`),
    '',
    `'guestctl COMMAND --help' shows its options and examples; inside the shell, 'help' lists the commands.`,
    EXIT_STATUS,
    '',
  ].join('\n');
}
