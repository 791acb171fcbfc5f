import type { Output } from '../../src/shell/output.js';
import { defineCommand } from '../../src/shell/command.js';
import { DRY_RUN, dryRunOption } from '../../src/shell/dry-run.js';
import { CliError } from '../../src/util/errors.js';
import { escapeForTerminal } from '../../src/shell/escape.js';
import { parseCount, parseSeconds } from '../../src/util/option-values.js';
import { Anonymizer } from '../../src/redact/anonymize.js';
import { redactSecrets } from '../../src/redact/secrets.js';
import { aiConfig, requireEndpoint, type RequestBody } from './_shared/client.js';
import { gatherContext, renderContext } from './_shared/context.js';
import { converse, systemPrompt, type ConversationResult } from './_shared/conversation.js';
import { guestNames } from './_shared/names.js';
import { suggestedCommands, type Suggested } from './_shared/suggest.js';
import { toolDefinitions, type ToolCallRecord } from './_shared/tools.js';

const DESCRIPTION =
  'Sends the question with a compact summary of the guest (the info facts, and as the question calls for them: failed units, the journal\'s ' +
  "recent errors, disk usage, /etc/fstab, the last boot's messages) to an OpenAI-compatible model, and streams its answer. The model may " +
  'read more through the read-only commands cat, ls, find, grep, logs, services, packages, network, info, filesystems and stat (each call is shown; ' +
  'at most --max-calls of them, --max-bytes each, --max-tokens in all). Secrets (shadow hashes, private keys, passwords, tokens, Authorization ' +
  'headers, cloud-init passwords) are redacted before anything is sent; --anonymize also masks host names, IPv4 addresses and login names and ' +
  'puts them back in the answer. --show-context prints the request and sends nothing. Commands the answer suggests are listed, and on a terminal ' +
  'each runs after you confirm it, through the normal executor (journal, read-only sessions, --dry-run). Model: --model, GUESTCTL_AI_MODEL, ' +
  'default gpt-4o; server: OPENAI_API_KEY for OpenAI, OPENAI_BASE_URL for any compatible one (Ollama, vLLM, LocalAI, llama.cpp server).';

const NOT_SUGGESTED = new Set(['ai', 'exit', 'quit']);

export interface AiResult {
  model: string;
  answer: string;
  toolCalls: ToolCallRecord[];
  suggested: string[];
  ran: { command: string; code: number; error?: string }[];
  limitHit: string | null;
}

export const ai = defineCommand({
  name: 'ai',
  category: 'ai-assistant',
  summary: 'Ask a model about the guest: it reads the guest through read-only commands, secrets redacted, and suggests fixes',
  description: DESCRIPTION,
  examples: ["ai --show-context 'why does the boot hang?'", "ai why is the disk full --anonymize", "ai 'which services failed and why?' --model llama3.1"],
  positionals: [{ name: 'QUESTION', variadic: true, complete: 'none', description: 'the question (the words are joined)' }],
  options: {
    model: { type: 'string', short: 'm', valueName: 'NAME', description: 'the model (default $GUESTCTL_AI_MODEL, else gpt-4o)' },
    'show-context': { type: 'boolean', description: 'print the first request exactly as it would be sent, and send nothing' },
    anonymize: { type: 'boolean', description: 'also mask host names, IPv4 addresses and login names (unmasked in the answer)' },
    'max-calls': { type: 'string', valueName: 'N', description: 'at most N commands run for the model (default 8)' },
    'max-bytes': { type: 'string', valueName: 'N', description: 'at most N bytes of each result sent (default 12000)' },
    'max-tokens': { type: 'string', valueName: 'N', description: 'at most about N tokens sent in all, 4 characters a token (default 60000)' },
    timeout: { type: 'string', valueName: 'SECONDS', description: 'wait at most this long for each answer (default 120)' },
    retries: { type: 'string', valueName: 'N', description: 'retries of a rate-limited (429) or failed request, with backoff (default 2)' },
    ...dryRunOption('run the suggested commands you confirm with --dry-run: show their changes, make none'),
  },
  async run(ctx, args): Promise<AiResult | { request: RequestBody }> {
    const question = args.list('QUESTION').join(' ').trim();
    if (question === '') throw new CliError('usage', 'ai: ask a question, e.g. ai why does the boot hang');
    const cfg = aiConfig(ctx.env, {
      model: args.optStr('model'),
      timeoutSeconds: parseSeconds(args.optStr('timeout'), 120, '--timeout'),
      retries: parseCount(args.optStr('retries'), 2, '--retries', { min: 0, max: 10 }),
    });
    const limits = {
      maxCalls: parseCount(args.optStr('max-calls'), 8, '--max-calls', { min: 0, max: 100 }),
      maxBytes: parseCount(args.optStr('max-bytes'), 12_000, '--max-bytes', { min: 100, max: 1_000_000 }),
      maxTokens: parseCount(args.optStr('max-tokens'), 60_000, '--max-tokens', { min: 1000, max: 2_000_000 }),
    };
    const showOnly = args.flag('show-context');
    if (!showOnly) requireEndpoint(cfg);
    const anonymizer = args.flag('anonymize') ? new Anonymizer(await guestNames(ctx.guest)) : undefined;
    const sections = await gatherContext(ctx, question, anonymizer, limits.maxBytes);
    const names = ctx.commands.map((c) => c.name).filter((n) => !NOT_SUGGESTED.has(n));
    // The question is the user's own text, but a pasted password or key is still not sent.
    const asked = anonymizer ? anonymizer.mask(redactSecrets(question)) : redactSecrets(question);
    const request: RequestBody = {
      model: cfg.model,
      stream: true,
      messages: [
        { role: 'system', content: systemPrompt(ctx.guest.kind, names) },
        { role: 'user', content: `Guest summary (from guestctl; secrets redacted):\n\n${renderContext(sections)}\n\nQuestion: ${asked}` },
      ],
      tools: limits.maxCalls > 0 ? toolDefinitions(ctx.commands, ctx.guest) : undefined,
    };
    if (showOnly) return { request };

    const conv: ConversationResult = await converse(ctx, cfg, request, anonymizer, limits);
    const known = (n: string) => !NOT_SUGGESTED.has(n) && ctx.commands.some((c) => c.name === n || c.aliases?.includes(n));
    const suggested = suggestedCommands(conv.answer, known);
    const ran = ctx.json ? [] : await offer(ctx, suggested, args.flag(DRY_RUN));
    return { model: cfg.model, answer: conv.answer, toolCalls: conv.toolCalls, suggested: suggested.map((s) => s.line), ran, limitHit: conv.limitHit };
  },
  render(r: AiResult | { request: RequestBody }, out: Output) {
    // The answer was streamed as it came, and the suggested commands were offered: only --show-context has something to print.
    // JSON.stringify escapes every control character itself: the request is safe for a terminal as it is.
    if ('request' in r) out.write(`${JSON.stringify(r.request, null, 2)}\n`);
  },
});

type Ctx = Parameters<typeof ai.run>[0];

/** Lists the suggested commands; on a terminal, runs each one the user confirms (the executor journals it and honours --dry-run). */
async function offer(ctx: Ctx, suggested: Suggested[], dryRun: boolean): Promise<AiResult['ran']> {
  const ran: AiResult['ran'] = [];
  if (suggested.length === 0) return ran;
  ctx.out.line('');
  ctx.out.line('Suggested commands:');
  for (const s of suggested) ctx.out.line(`  ${escapeForTerminal(s.line)}`);
  if (!ctx.prompt.interactive || !ctx.out.isTTY) return ran;
  for (const s of suggested) {
    const cmd = ctx.commands.find((c) => c.name === s.argv[0] || c.aliases?.includes(s.argv[0]!))!;
    let argv = s.argv;
    let shown = s.line;
    if (dryRun) {
      if (!cmd.options?.[DRY_RUN]) {
        ctx.out.note(`ai: ${s.line} has no --dry-run: not offered (ai --dry-run)`);
        continue;
      }
      if (!argv.includes(`--${DRY_RUN}`)) {
        argv = [...argv, `--${DRY_RUN}`];
        shown += ` --${DRY_RUN}`;
      }
    }
    if (!(await ctx.prompt.confirm(`Run ${escapeForTerminal(shown)}?`, false))) continue;
    const r = await ctx.invoke(argv);
    r.render(ctx.out);
    ran.push({ command: shown, code: r.code, ...(r.error !== undefined ? { error: r.error } : {}) });
  }
  return ran;
}
