import type { ChatCompletionMessageParam, ChatCompletionTool } from 'openai/resources/chat/completions';
import type { CommandContext } from '../../../src/shell/command.js';
import { CliError } from '../../../src/util/errors.js';
import { escapeForTerminal, escapeLinesForTerminal } from '../../../src/shell/escape.js';
import { formatBytes } from '../../../src/util/format.js';
import { StreamUnmasker, type Anonymizer } from '../../../src/redact/anonymize.js';
import { createClient, streamChat, type AiConfig, type RequestBody } from './client.js';
import { runToolCall, READ_ONLY_TOOLS, type ToolCallRecord } from './tools.js';
import { SUGGEST_FENCE } from './suggest.js';

// The conversation: the question and the guest summary go out, the answer streams back; when the
// model asks for a read-only command, it runs through the executor and its redacted result goes
// back, until the model answers or a limit (calls, tokens) is hit, which is said both to the model
// and to the user.

export interface Limits {
  maxCalls: number;
  maxBytes: number;
  maxTokens: number;
}

export function systemPrompt(guestKind: string, commandNames: string[]): string {
  return [
    "You are the assistant of guestctl, a tool that inspects and repairs virtual machine disk images and running VMs from the host. You help a system administrator understand and fix the guest described below.",
    `The guest is ${guestKind === 'live' ? 'a running VM reached through its guest agent' : 'a disk image that is not running: there are no processes, only files and the journal of past boots'}.`,
    `To look further, call the read-only tools (${READ_ONLY_TOOLS.join(', ')}): each runs the guestctl command of that name on the guest with the arguments you give, and returns its JSON result. Paths are paths inside the guest. Call only what you need.`,
    'Secrets were removed before you saw anything: [REDACTED] stands for a password, hash, key or token that is set. Never ask for them. Names like host-1, ip-1 and user-1 are placeholders for real names; use them as they are.',
    `When you suggest commands for the user to run, write each one on its own line inside a fenced code block whose info string is ${SUGGEST_FENCE} (three backticks followed by ${SUGGEST_FENCE}). Only guestctl shell commands go there, no host shell, no pipes. The user confirms each before it runs. guestctl's commands: ${commandNames.join(', ')}.`,
    'Be concise: the cause first, then the fix.',
  ].join('\n');
}

export interface ConversationResult {
  answer: string;
  toolCalls: ToolCallRecord[];
  /** Rough number of tokens sent (4 characters a token) and whether a limit stopped the tool calls. */
  tokensSent: number;
  limitHit: string | null;
}

export function estimateTokens(value: unknown): number {
  return Math.ceil(JSON.stringify(value).length / 4);
}

export async function converse(
  ctx: CommandContext,
  cfg: AiConfig,
  first: RequestBody,
  anonymizer: Anonymizer | undefined,
  limits: Limits,
): Promise<ConversationResult> {
  const client = await createClient(cfg);
  const messages: ChatCompletionMessageParam[] = [...first.messages];
  const tools = first.tools as ChatCompletionTool[];
  const records: ToolCallRecord[] = [];
  const print = !ctx.json;
  let tokensSent = 0;
  let limitHit: string | null = null;
  let answer = '';
  for (;;) {
    const body: RequestBody = { ...first, messages, ...(limitHit ? { tool_choice: 'none' as const } : {}) };
    const size = estimateTokens(body);
    if (tokensSent === 0 && size > limits.maxTokens)
      throw new CliError('failed', `ai: the question and the guest summary are about ${size} tokens, over --max-tokens ${limits.maxTokens}; raise it or ask about less`);
    tokensSent += size;
    const unmask = new StreamUnmasker(anonymizer);
    let printed = false;
    const reply = await streamChat(client, cfg, body, ctx.signal, (text) => {
      const shown = unmask.push(text);
      if (print && shown) {
        ctx.out.write(escapeLinesForTerminal(shown));
        printed = true;
      }
    });
    const rest = unmask.end();
    if (print && rest) {
      ctx.out.write(escapeLinesForTerminal(rest));
      printed = true;
    }
    if (print && printed && !reply.content.endsWith('\n')) ctx.out.write('\n');
    const text = anonymizer ? anonymizer.unmask(reply.content) : reply.content;
    answer += answer && text ? `\n${text}` : text;
    if (reply.toolCalls.length === 0 || limitHit) break;
    messages.push({ role: 'assistant', content: reply.content || null, tool_calls: reply.toolCalls });
    for (const call of reply.toolCalls) {
      let content: string;
      if (records.length >= limits.maxCalls) {
        limitHit ??= `the limit of ${limits.maxCalls} commands (--max-calls) was reached`;
        content = `refused: ${limitHit}; answer with what you have`;
        ctx.out.note(`ai: ${call.function.name} not run: ${limitHit}`);
      } else {
        const args = anonymizer ? anonymizer.unmask(call.function.arguments) : call.function.arguments;
        const r = await runToolCall(ctx, call.function.name, args, anonymizer, { maxCalls: limits.maxCalls, maxBytes: limits.maxBytes });
        records.push(r.record);
        content = r.content;
        showCall(ctx, r.record);
      }
      messages.push({ role: 'tool', tool_call_id: call.id, content });
    }
    if (!limitHit && tokensSent + estimateTokens({ ...first, messages }) > limits.maxTokens) {
      limitHit = `the token limit (--max-tokens ${limits.maxTokens}) was reached`;
      // The last results are not sent: the model answers from what it had.
      for (let i = messages.length - 1; i >= 0 && messages[i]!.role === 'tool'; i--) (messages[i] as { content: string }).content = `not sent: ${limitHit}`;
      ctx.out.note(`ai: ${limitHit}; the last results are not sent, asking for an answer`);
    }
    if (limitHit) messages.push({ role: 'system', content: `No more commands can be run (${limitHit}). Answer now with what you know.` });
  }
  return { answer, toolCalls: records, tokensSent, limitHit };
}

function showCall(ctx: CommandContext, r: ToolCallRecord): void {
  const what = escapeForTerminal(r.command);
  const how = r.ok ? `${formatBytes(r.bytes)} sent${r.truncated ? ', truncated (--max-bytes)' : ''}` : escapeForTerminal(r.error ?? 'failed');
  ctx.out.stderr(`${ctx.out.color.dim(`ai ran: ${what}  (${how})`)}\n`);
}
