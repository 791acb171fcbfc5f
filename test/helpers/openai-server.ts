import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

// The project's only mock: a small OpenAI-compatible server for the `ai` assistant (the real
// service cannot be reached from the tests). It speaks POST /v1/chat/completions with SSE
// streaming: each scripted reply is streamed as chunks (text deltas, tool_calls deltas split in
// pieces, as OpenAI sends them) or is an error status / a body that is not the API. Every request
// body is recorded, so a test can check what left the machine.

export type Reply =
  | { text?: string; toolCalls?: { name: string; args: unknown }[] }
  | { status: number; body?: string; headers?: Record<string, string> }
  | { stall: true }
  | { raw: string; contentType?: string };

export interface OpenAiServer {
  url: string;
  /** Every request body (parsed JSON) in order. */
  requests: any[];
  /** The raw request bodies, as bytes on the wire. */
  rawBodies: string[];
  /** Headers of each request. */
  headers: IncomingMessage['headers'][];
  close(): Promise<void>;
}

/** `replies` are served in order; a function decides from the request body. Past the end: a plain "done." answer. */
export async function openAiServer(replies: (Reply | ((body: any) => Reply))[]): Promise<OpenAiServer> {
  const requests: any[] = [];
  const rawBodies: string[] = [];
  const headers: IncomingMessage['headers'][] = [];
  let n = 0;
  const stalled: ServerResponse[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      rawBodies.push(raw);
      headers.push(req.headers);
      let body: any = null;
      try {
        body = JSON.parse(raw);
      } catch {
        body = { unparsable: raw };
      }
      requests.push(body);
      if (req.method !== 'POST' || !req.url?.endsWith('/chat/completions')) {
        res.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { message: `no route ${req.url}` } }));
        return;
      }
      const next = replies[n++] ?? { text: 'done.' };
      const reply = typeof next === 'function' ? next(body) : next;
      serve(reply, body, res, stalled);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/v1`,
    requests,
    rawBodies,
    headers,
    close: () =>
      new Promise<void>((resolve) => {
        for (const r of stalled) r.destroy();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function serve(reply: Reply, body: any, res: ServerResponse, stalled: ServerResponse[]): void {
  if ('stall' in reply) {
    stalled.push(res); // never answers: the client's timeout must fire
    return;
  }
  if ('raw' in reply) {
    res.writeHead(200, { 'content-type': reply.contentType ?? 'text/html' }).end(reply.raw);
    return;
  }
  if ('status' in reply) {
    res.writeHead(reply.status, { 'content-type': 'application/json', ...reply.headers }).end(reply.body ?? JSON.stringify({ error: { message: `scripted ${reply.status}`, type: 'test' } }));
    return;
  }
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
  const id = `chatcmpl-${Math.random().toString(36).slice(2)}`;
  const send = (delta: object, finish: string | null = null) =>
    res.write(`data: ${JSON.stringify({ id, object: 'chat.completion.chunk', created: 0, model: body?.model ?? 'm', choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`);
  send({ role: 'assistant', content: '' });
  const text = reply.text ?? '';
  // Small pieces, so a placeholder or a word is split across chunks as real streams do.
  for (let i = 0; i < text.length; i += 7) send({ content: text.slice(i, i + 7) });
  (reply.toolCalls ?? []).forEach((tc, index) => {
    const args = JSON.stringify(tc.args);
    send({ tool_calls: [{ index, id: `call_${index}_${Math.random().toString(36).slice(2, 8)}`, type: 'function', function: { name: tc.name, arguments: '' } }] });
    const half = Math.ceil(args.length / 2);
    send({ tool_calls: [{ index, function: { arguments: args.slice(0, half) } }] });
    send({ tool_calls: [{ index, function: { arguments: args.slice(half) } }] });
  });
  send({}, reply.toolCalls?.length ? 'tool_calls' : 'stop');
  res.end('data: [DONE]\n\n');
}
