import { Output } from '../shell/output.js';
import { describeError } from '../util/errors.js';
import { cacheFile } from './cache.js';
import { renderMetrics } from './metrics.js';
import { newProbeCache, scan, type ScanOptions, type ScanResult } from './scan.js';
import { printScanTable } from './scan-render.js';
import { startMetricsServer, type ListenAddress } from './serve.js';
import { abortableSleep } from '../util/sleep.js';

// `guestctl scan` (options and help: src/cli/scan.ts): one scan, a refreshing one (--watch),
// or an exporter (--serve).

export interface ScanCliOptions {
  uris: (string | undefined)[];
  json: boolean;
  timeoutMs: number;
  /** undefined: every domain at once, up to SCAN_CONCURRENCY_CAP */
  concurrency: number | undefined;
  watchMs: number | null;
  cacheTtlMs: number;
  serve: ListenAddress | null;
  color: boolean;
}

export interface ScanIo {
  stdout: NodeJS.WriteStream | NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  env: NodeJS.ProcessEnv;
  /** Ends --watch and --serve (default: SIGINT or SIGTERM). */
  signal?: AbortSignal;
  /** Extra scan options (tests, benchmarks: injected agents). */
  scan?: Partial<ScanOptions>;
}

export async function runScan(o: ScanCliOptions, io: Partial<ScanIo> = {}): Promise<number> {
  const env = io.env ?? process.env;
  const stdout = io.stdout ?? process.stdout;
  const stderr = io.stderr ?? process.stderr;
  const out = new Output(o.json, o.color, { stdout, stderr });
  const cache = newProbeCache(o.cacheTtlMs, o.cacheTtlMs > 0 ? cacheFile('scan-agents.json', env) : undefined);
  await cache.load();
  let cacheWarned = false;
  const once = async (): Promise<ScanResult> => {
    const result = await scan({ uris: o.uris, timeoutMs: o.timeoutMs, ...(o.concurrency !== undefined ? { concurrency: o.concurrency } : {}), cache, env, ...io.scan });
    await cache.save().catch((err) => {
      if (!cacheWarned) out.note(`the agent cache was not saved (${cache.file}): ${describeError(err)}`);
      cacheWarned = true;
    });
    return result;
  };
  const fleet = o.uris.length > 1;
  const report = (r: ScanResult) => {
    for (const row of r.rows) if (row.error) out.note(`${fleet ? `${row.host}: ` : ''}${row.name}: ${row.error}`);
    for (const e of r.errors) out.error(fleet ? `${e.host}: ${e.message}` : e.message);
  };

  if (o.watchMs === null && o.serve === null) {
    const r = await once();
    if (o.json) out.printJson(r.rows);
    else if (r.errors.length < o.uris.length) printScanTable(out, r.rows, fleet);
    report(r);
    return r.errors.length ? 1 : 0;
  }

  const stop = io.signal ? { signal: io.signal, dispose() {} } : stopOnSignals();
  try {
    if (o.serve) {
      const server = await startMetricsServer(o.serve, async () => renderMetrics(await once()));
      stderr.write(`guestctl: serving Prometheus metrics on ${server.url}/metrics and ${server.url}/healthz (Ctrl-C to stop)\n`);
      await new Promise<void>((resolve) => (stop.signal.aborted ? resolve() : stop.signal.addEventListener('abort', () => resolve(), { once: true })));
      await server.close();
      return 0;
    }
    const tty = (stdout as NodeJS.WriteStream).isTTY === true && !o.json;
    let failed = false;
    while (!stop.signal.aborted) {
      const r = await once();
      failed = r.errors.length > 0;
      if (o.json) stdout.write(JSON.stringify(r.rows) + '\n');
      else {
        if (tty) stdout.write('\x1b[H\x1b[2J');
        out.line(`${new Date().toLocaleTimeString()}  every ${o.watchMs! / 1000} s, agent answers cached ${o.cacheTtlMs / 1000} s (Ctrl-C to stop)`);
        printScanTable(out, r.rows, fleet);
        if (!tty) out.line();
      }
      report(r);
      await abortableSleep(o.watchMs!, stop.signal);
    }
    return failed ? 1 : 0;
  } finally {
    stop.dispose();
  }
}

function stopOnSignals(): { signal: AbortSignal; dispose(): void } {
  const ac = new AbortController();
  const onSignal = () => ac.abort();
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return {
    signal: ac.signal,
    dispose() {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    },
  };
}

