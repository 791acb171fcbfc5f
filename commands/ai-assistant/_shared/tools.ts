import type { ChatCompletionTool } from 'openai/resources/chat/completions';
import type { CommandContext, CommandDef } from '../../../src/shell/command.js';
import { parseCommandArgs, usageLine } from '../../../src/shell/args.js';
import { parseLine } from '../../../src/shell/parse-line.js';
import { unservableReason } from '../../../src/shell/registry.js';
import type { Guest } from '../../../src/guest/types.js';
import { CliError, describeError } from '../../../src/util/errors.js';
import { redactData, redactSecrets } from '../../../src/redact/secrets.js';
import type { Anonymizer } from '../../../src/redact/anonymize.js';

// The model may read the guest through guestctl's own read-only commands, run by the normal
// executor (ctx.invoke) with their --json data handed back. Only the commands below are offered;
// a tool name outside the list, an argument list the command's spec would count as a change, and an
// option that names a HOST file are refused. Every result is redacted (and anonymized) and capped
// before it goes into a request.

export const READ_ONLY_TOOLS = ['cat', 'ls', 'find', 'grep', 'logs', 'services', 'packages', 'network', 'info', 'filesystems', 'stat'] as const;

export interface ToolLimits {
  maxCalls: number;
  maxBytes: number;
}

export interface ToolCallRecord {
  command: string;
  ok: boolean;
  /** What the model got back: the redacted data (capped), or why the call was refused or failed. */
  bytes: number;
  truncated: boolean;
  error?: string;
}

function findCommand(commands: readonly CommandDef[], name: string): CommandDef | undefined {
  return commands.find((c) => c.name === name);
}

/** The tools offered to the model: one function per read-only command this guest can serve, taking its argument list. */
export function toolDefinitions(commands: readonly CommandDef[], guest: Guest): ChatCompletionTool[] {
  const tools: ChatCompletionTool[] = [];
  for (const name of READ_ONLY_TOOLS) {
    const cmd = findCommand(commands, name);
    if (!cmd || unservableReason(cmd, guest) !== undefined) continue;
    tools.push({
      type: 'function',
      function: {
        name,
        description: `${cmd.summary}. Usage: ${usageLine(cmd)}. Examples: ${cmd.examples.join('; ')}. Paths are paths inside the guest. Returns the command's JSON result.`,
        parameters: {
          type: 'object',
          properties: { args: { type: 'array', items: { type: 'string' }, description: `the arguments after "${name}", one per element` } },
          required: ['args'],
          additionalProperties: false,
        },
      },
    });
  }
  return tools;
}

/** The argv a tool call asks for, or why it is refused. */
export function toolArgv(commands: readonly CommandDef[], name: string, rawArguments: string): { argv: string[] } | { refused: string } {
  if (!(READ_ONLY_TOOLS as readonly string[]).includes(name)) return { refused: `${name} is not one of the read-only commands offered (${READ_ONLY_TOOLS.join(', ')})` };
  const cmd = findCommand(commands, name);
  if (!cmd) return { refused: `${name} is not a command of this guestctl` };
  let args: string[];
  try {
    const parsed: unknown = rawArguments.trim() === '' ? {} : JSON.parse(rawArguments);
    const a = (parsed as { args?: unknown }).args;
    if (a === undefined) args = [];
    else if (typeof a === 'string') args = parseLine(a);
    else if (Array.isArray(a) && a.every((x) => typeof x === 'string')) args = a;
    else return { refused: 'the arguments must be {"args": [strings]}' };
  } catch (err) {
    return { refused: `the arguments are not JSON: ${describeError(err)}` };
  }
  try {
    const parsedArgs = parseCommandArgs(cmd, args);
    const mutates = typeof cmd.mutates === 'function' ? cmd.mutates(parsedArgs) : cmd.mutates === true;
    if (mutates || cmd.mayWrite) return { refused: `${name} ${args.join(' ')} would change the guest; only reading is allowed` };
    for (const [opt, spec] of Object.entries(cmd.options ?? {})) {
      if (spec.hostPath && parsedArgs.options[opt] !== undefined) return { refused: `--${opt} names a file on the host; only the guest may be read` };
    }
  } catch (err) {
    return { refused: describeError(err) };
  }
  return { argv: [name, ...args] };
}

/** Caps a text at maxBytes (UTF-8), on a character boundary. */
export function capText(text: string, maxBytes: number): { text: string; truncated: boolean } {
  const buf = Buffer.from(text, 'utf8');
  if (buf.length <= maxBytes) return { text, truncated: false };
  let cut = buf.subarray(0, maxBytes).toString('utf8');
  if (cut.endsWith('\uFFFD')) cut = cut.slice(0, -1);
  return { text: cut, truncated: true };
}

/** What goes to the model for one command's data: redacted, anonymized, JSON, capped. */
export function outboundData(data: unknown, anonymizer: Anonymizer | undefined, maxBytes: number): { text: string; truncated: boolean } {
  const redacted = redactData(data);
  const shown = anonymizer ? anonymizer.maskData(redacted) : redacted;
  const json = JSON.stringify(shown ?? null);
  const capped = capText(json, maxBytes);
  return capped.truncated ? { text: `${capped.text}\n[truncated: the result was ${Buffer.byteLength(json)} bytes, ${maxBytes} are sent (--max-bytes)]`, truncated: true } : capped;
}

/** Runs one tool call through the executor; returns what the model gets (already redacted) and a record for the user. */
export async function runToolCall(
  ctx: CommandContext,
  name: string,
  rawArguments: string,
  anonymizer: Anonymizer | undefined,
  limits: ToolLimits,
): Promise<{ content: string; record: ToolCallRecord }> {
  const planned = toolArgv(ctx.commands, name, rawArguments);
  if ('refused' in planned) {
    const msg = redactSecrets(planned.refused);
    return { content: `refused: ${anonymizer ? anonymizer.mask(msg) : msg}`, record: { command: name, ok: false, bytes: 0, truncated: false, error: `refused: ${planned.refused}` } };
  }
  const line = planned.argv.join(' ');
  const r = await ctx.invoke(planned.argv, { quiet: true });
  if (ctx.signal.aborted) throw new CliError('cancelled', 'ai: cancelled');
  if (r.error !== undefined) {
    const msg = redactSecrets(r.error);
    const content = `error (exit ${r.code}): ${anonymizer ? anonymizer.mask(msg) : msg}`;
    return { content, record: { command: line, ok: false, bytes: Buffer.byteLength(content), truncated: false, error: r.error } };
  }
  const { text, truncated } = outboundData(r.data, anonymizer, limits.maxBytes);
  return { content: text, record: { command: line, ok: true, bytes: Buffer.byteLength(text), truncated } };
}
