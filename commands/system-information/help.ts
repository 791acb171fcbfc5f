import type { Output } from '../../src/shell/output.js';
import { defineCommand, type CommandDef } from '../../src/shell/command.js';
import { usageLine } from '../../src/shell/args.js';
import { CliError } from '../../src/util/errors.js';
import { editDistance, unservableReason } from '../../src/shell/registry.js';
import { category as categoryOf } from '../../src/shell/categories.js';
import type { Guest } from '../../src/guest/types.js';

/** Every command by category, for `help` without an argument. */
type HelpIndex = { category: string; commands: { name: string; summary: string; available: boolean; reason?: string }[] }[];

export const help = defineCommand({
  name: 'help',
  aliases: ['?'],
  category: 'system-information',
  summary: 'List the commands by category, or show one command in full',
  examples: ['help', 'help ls'],
  positionals: [{ name: 'COMMAND', optional: true, complete: 'command' }],
  async run(ctx, args) {
    const name = args.optStr('COMMAND');
    if (!name) {
      const categories = [...new Set(ctx.commands.map((c) => c.category))];
      const data = categories.map((category) => ({
        category: categoryOf(category).title,
        commands: ctx.commands.filter((c) => c.category === category).map((c) => ({ name: c.name, summary: c.summary, ...availability(c, ctx.guest) })),
      }));
      return data;
    }
    const cmd = ctx.commands.find((c) => c.name === name || c.aliases?.includes(name));
    if (!cmd) {
      const close = ctx.commands.map((c) => c.name).filter((n) => editDistance(n, name) <= 2 || n.startsWith(name));
      throw new CliError('usage', `no such command '${name}'${close.length ? `; did you mean ${close.join(', ')}?` : ''}`);
    }
    const { available, reason } = availability(cmd, ctx.guest);
    return {
      name: cmd.name,
      aliases: cmd.aliases ?? [],
      category: categoryOf(cmd.category).title,
      summary: cmd.summary,
      usage: usageLine(cmd),
      examples: cmd.examples,
      text: formatHelp(cmd, reason && `${cmd.name} ${reason}`),
      available,
      ...(reason === undefined ? {} : { reason }),
    };
  },
  render(data: HelpIndex | { text: string }, out: Output) {
    if (!Array.isArray(data)) {
      out.write(data.text);
      return;
    }
    for (const cat of data) {
      out.line(out.color.bold(cat.category));
      const width = Math.max(...cat.commands.map((c) => c.name.length));
      for (const c of cat.commands) {
        const line = `  ${c.name.padEnd(width)}  ${c.summary}`;
        out.line(c.available ? line : out.color.dim(`${line}  (unavailable: ${c.reason})`));
      }
      out.line();
    }
    out.line(`'help COMMAND' shows usage and examples.`);
    out.line(`'COMMAND | HOSTCOMMAND' pipes the output into a command line run on the HOST by /bin/sh (e.g. cat /etc/passwd | grep root).`);
  },
});

/** Whether this guest can run the command, and if not why (the executor's refusal, e.g. "needs a running guest: …"). */
function availability(cmd: CommandDef, guest: Guest): { available: true; reason?: undefined } | { available: false; reason: string } {
  const reason = unservableReason(cmd, guest);
  return reason === undefined ? { available: true } : { available: false, reason };
}

function formatHelp(cmd: CommandDef, unavailable?: string): string {
  const lines = [`${cmd.name} — ${cmd.summary}`, '', `usage: ${usageLine(cmd)}`];
  if (unavailable) lines.push('', `unavailable here: ${unavailable}`);
  if (cmd.description) lines.push('', cmd.description);
  const opts = Object.entries(cmd.options ?? {});
  if ((cmd.positionals ?? []).some((p) => p.description) || opts.length > 0) {
    lines.push('');
    for (const p of cmd.positionals ?? []) if (p.description) lines.push(`  ${p.name.padEnd(18)} ${p.description}`);
    for (const [n, o] of opts) lines.push(`  ${(o.short ? `-${o.short}, --${n}` : `--${n}`).padEnd(18)} ${o.description}`);
  }
  if (cmd.aliases?.length) lines.push('', `aliases: ${cmd.aliases.join(', ')}`);
  lines.push('', 'examples:', ...cmd.examples.map((e) => `  ${e}`), '');
  return lines.join('\n');
}
