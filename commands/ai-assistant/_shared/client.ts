import type OpenAI from 'openai';
import type { ChatCompletionCreateParamsStreaming, ChatCompletionMessageFunctionToolCall } from 'openai/resources/chat/completions';
import { CliError } from '../../../src/util/errors.js';

// The one place that talks to the model: the official `openai` package, loaded on first use so
// that `guestctl --version` and the shell never load it. Any OpenAI-compatible server works through
// OPENAI_BASE_URL. Every failure becomes one CliError line (never a stack): 401, 404, 429 (retried
// by the package with backoff, honouring retry-after, then reported), a timeout, a refused
// connection, or a server that does not speak the chat completions API.

export const DEFAULT_MODEL = 'gpt-4o';

export interface AiConfig {
  model: string;
  apiKey: string | undefined;
  baseURL: string | undefined;
  timeoutMs: number;
  maxRetries: number;
}

export type RequestBody = Omit<ChatCompletionCreateParamsStreaming, 'stream'> & { stream: true };

export interface StreamedReply {
  content: string;
  toolCalls: ChatCompletionMessageFunctionToolCall[];
  finishReason: string | null;
}

/** Where the key and the server come from, or the one line that says how to set them. */
export function aiConfig(env: Readonly<Record<string, string | undefined>>, opts: { model?: string; timeoutSeconds: number; retries: number }): AiConfig {
  const apiKey = env.OPENAI_API_KEY?.trim() || undefined;
  const baseURL = env.OPENAI_BASE_URL?.trim() || undefined;
  return { model: opts.model ?? (env.GUESTCTL_AI_MODEL?.trim() || DEFAULT_MODEL), apiKey, baseURL, timeoutMs: opts.timeoutSeconds * 1000, maxRetries: opts.retries };
}

export function requireEndpoint(cfg: AiConfig): void {
  if (cfg.apiKey === undefined && cfg.baseURL === undefined)
    throw new CliError(
      'usage',
      'ai needs a model: set OPENAI_API_KEY for OpenAI, or OPENAI_BASE_URL for an OpenAI-compatible server (e.g. OPENAI_BASE_URL=http://localhost:11434/v1 for Ollama)',
    );
}

function serverName(cfg: AiConfig): string {
  return cfg.baseURL ?? 'https://api.openai.com/v1';
}

export async function createClient(cfg: AiConfig): Promise<OpenAI> {
  const { default: OpenAIClass } = await import('openai');
  return new OpenAIClass({
    // A local server (Ollama, llama.cpp) takes no key; the package insists on one.
    apiKey: cfg.apiKey ?? 'no-key',
    baseURL: serverName(cfg),
    timeout: cfg.timeoutMs,
    maxRetries: cfg.maxRetries,
    logLevel: 'off',
  });
}

/** Streams one chat completion: text deltas go to onText as they come; tool calls are assembled from their deltas. */
export async function streamChat(client: OpenAI, cfg: AiConfig, body: RequestBody, signal: AbortSignal, onText: (text: string) => void): Promise<StreamedReply> {
  let content = '';
  let finishReason: string | null = null;
  let chunks = 0;
  const calls: { id: string; name: string; args: string }[] = [];
  try {
    const stream = await client.chat.completions.create(body, { signal });
    for await (const chunk of stream) {
      if (!chunk || typeof chunk !== 'object' || !Array.isArray(chunk.choices)) throw notCompatible(cfg, 'a streamed chunk without choices');
      chunks++;
      const choice = chunk.choices[0];
      if (!choice) continue;
      const delta = choice.delta ?? {};
      if (typeof delta.content === 'string' && delta.content !== '') {
        content += delta.content;
        onText(delta.content);
      }
      for (const tc of delta.tool_calls ?? []) {
        const slot = (calls[tc.index ?? calls.length] ??= { id: '', name: '', args: '' });
        if (tc.id) slot.id = tc.id;
        if (tc.function?.name) slot.name += tc.function.name;
        if (tc.function?.arguments) slot.args += tc.function.arguments;
      }
      if (choice.finish_reason) finishReason = choice.finish_reason;
    }
  } catch (err) {
    throw describeApiError(err, cfg, signal);
  }
  if (chunks === 0) throw notCompatible(cfg, 'no chat completion chunks in its answer');
  const toolCalls = calls
    .filter((c) => c !== undefined)
    .map((c, i) => ({ id: c.id || `call_${i}`, type: 'function' as const, function: { name: c.name, arguments: c.args } }));
  return { content, toolCalls, finishReason };
}

function notCompatible(cfg: AiConfig, what: string): CliError {
  return new CliError('failed', `ai: the server at ${serverName(cfg)} is not OpenAI-compatible (${what}); OPENAI_BASE_URL must point at its /v1 API`);
}

function oneLine(text: string, max = 200): string {
  const t = text.replace(/\s+/g, ' ').trim();
  return t.length > max ? `${t.slice(0, max)}…` : t;
}

/** Any failure of a request as one line naming what to do. */
export function describeApiError(err: unknown, cfg: AiConfig, signal: AbortSignal): CliError {
  if (err instanceof CliError) return err;
  const e = err as { name?: string; status?: number; message?: string; constructor?: { name?: string } };
  const kind = e?.constructor?.name ?? e?.name ?? '';
  const server = serverName(cfg);
  if (signal.aborted || kind === 'APIUserAbortError') return new CliError('cancelled', 'ai: cancelled');
  if (kind === 'APIConnectionTimeoutError') return new CliError('failed', `ai: ${server} did not answer within ${cfg.timeoutMs / 1000}s (--timeout)`);
  if (kind === 'APIConnectionError') return new CliError('failed', `ai: cannot reach ${server}: ${oneLine(causeOf(err) ?? e.message ?? 'connection failed')}`);
  if (typeof e?.status === 'number') {
    const detail = oneLine(serverMessage(err) ?? '');
    switch (e.status) {
      case 401:
        return new CliError('failed', `ai: ${server} refused the API key (401${detail ? `: ${detail}` : ''}); check OPENAI_API_KEY`);
      case 403:
        return new CliError('failed', `ai: ${server} refused the request (403${detail ? `: ${detail}` : ''}); check the key's permissions`);
      case 404:
        return new CliError('failed', `ai: model ${cfg.model} not found at ${server} (404${detail ? `: ${detail}` : ''}); choose one with --model or GUESTCTL_AI_MODEL`);
      case 429:
        return new CliError('failed', `ai: ${server} is rate-limiting requests (429${detail ? `: ${detail}` : ''}), still after ${cfg.maxRetries} retries; wait and try again`);
      default:
        return new CliError('failed', `ai: ${server} answered ${e.status}${detail ? `: ${detail}` : ''}`);
    }
  }
  if (err instanceof SyntaxError || /parse|JSON/i.test(e?.message ?? '')) return notCompatible(cfg, `its answer is not JSON: ${oneLine(e?.message ?? '', 80)}`);
  return new CliError('failed', `ai: request to ${server} failed: ${oneLine(e?.message ?? String(err))}`);
}

function causeOf(err: unknown): string | undefined {
  let c = (err as { cause?: unknown }).cause;
  while (c && typeof c === 'object' && (c as { cause?: unknown }).cause) c = (c as { cause?: unknown }).cause;
  const code = (c as { code?: string } | undefined)?.code;
  const msg = (c as { message?: string } | undefined)?.message;
  return code ?? msg;
}

function serverMessage(err: unknown): string | undefined {
  const e = err as { error?: { message?: unknown } | unknown };
  const inner = e.error as { message?: unknown } | undefined;
  if (inner && typeof inner === 'object' && typeof inner.message === 'string') return inner.message;
  return undefined;
}
