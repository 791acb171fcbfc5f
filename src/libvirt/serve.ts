import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { isIP } from 'node:net';
import { CliError, describeError } from '../util/errors.js';
import { METRICS_CONTENT_TYPE } from './metrics.js';

// `guestctl scan --serve ADDR:PORT`: /metrics (a fresh scan per scrape; scrapes that arrive
// while one runs share it) and /healthz, with node:http only. Without an address the
// server listens on loopback: exposing VM names and addresses is a choice to make explicitly.

export interface ListenAddress {
  host: string;
  port: number;
}

/** "9177", ":9177" (loopback), "127.0.0.1:9177", "0.0.0.0:9177", "[::1]:9177", "localhost:9177". */
export function parseListenAddress(text: string): ListenAddress {
  const t = text.trim();
  let host = '127.0.0.1';
  let portText = t;
  const v6 = /^\[([^\]]+)\]:(\d+)$/.exec(t);
  if (v6) {
    host = v6[1]!;
    portText = v6[2]!;
    if (isIP(host) !== 6) throw new CliError('usage', `--serve: '${host}' is not an IPv6 address`);
  } else if (t.includes(':')) {
    const i = t.lastIndexOf(':');
    if (t.indexOf(':') !== i) throw new CliError('usage', `--serve: write an IPv6 address in brackets: [${t.slice(0, i)}]:${t.slice(i + 1)}`);
    if (i > 0) host = t.slice(0, i);
    portText = t.slice(i + 1);
  }
  if (!/^\d{1,5}$/.test(portText) || Number(portText) > 65535)
    throw new CliError('usage', `--serve needs ADDR:PORT (e.g. 127.0.0.1:9177), not '${text}'`);
  if (host !== 'localhost' && isIP(host) === 0 && !/^[A-Za-z0-9.-]+$/.test(host)) throw new CliError('usage', `--serve: bad address '${host}'`);
  return { host, port: Number(portText) };
}

export interface MetricsServer {
  /** e.g. http://127.0.0.1:9177 */
  url: string;
  port: number;
  close(): Promise<void>;
}

export async function startMetricsServer(addr: ListenAddress, scrape: () => Promise<string>): Promise<MetricsServer> {
  let inflight: Promise<string> | null = null;
  const shared = () => {
    inflight ??= scrape().finally(() => {
      inflight = null;
    });
    return inflight;
  };
  const server = createServer((req, res) => {
    handle(req, res, shared).catch((err) => {
      if (!res.headersSent) send(res, 500, `internal error: ${describeError(err)}\n`);
      else res.destroy();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'EADDRINUSE') reject(new CliError('failed', `cannot listen on ${addr.host}:${addr.port}: the port is in use`));
      else if (err.code === 'EADDRNOTAVAIL') reject(new CliError('failed', `cannot listen on ${addr.host}:${addr.port}: no such local address`));
      else if (err.code === 'EACCES') reject(new CliError('failed', `cannot listen on ${addr.host}:${addr.port}: permission denied`));
      else reject(err);
    });
    server.listen(addr.port, addr.host, () => resolve());
  });
  const a = server.address();
  const port = typeof a === 'object' && a ? a.port : addr.port;
  const shown = isIP(addr.host) === 6 ? `[${addr.host}]` : addr.host;
  return {
    url: `http://${shown}:${port}`,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

async function handle(req: IncomingMessage, res: ServerResponse, scrape: () => Promise<string>): Promise<void> {
  const path = (req.url ?? '/').split('?')[0];
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.setHeader('Allow', 'GET, HEAD');
    return send(res, 405, 'method not allowed\n');
  }
  if (path === '/healthz') return send(res, 200, 'ok\n');
  if (path === '/metrics') {
    let body: string;
    try {
      body = await scrape();
    } catch (err) {
      return send(res, 500, `scan failed: ${describeError(err)}\n`);
    }
    return send(res, 200, body, METRICS_CONTENT_TYPE, req.method === 'HEAD');
  }
  if (path === '/') return send(res, 200, 'guestctl scan exporter: /metrics (Prometheus), /healthz\n');
  return send(res, 404, 'not found: try /metrics or /healthz\n');
}

function send(res: ServerResponse, status: number, body: string, type = 'text/plain; charset=utf-8', headOnly = false): void {
  res.writeHead(status, { 'Content-Type': type, 'Content-Length': Buffer.byteLength(body), 'Cache-Control': 'no-store' });
  res.end(headOnly ? undefined : body);
}
