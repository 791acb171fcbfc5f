import { parseArgs } from 'node:util';
import { Output } from '../shell/output.js';
import { CliError, describeError } from '../util/errors.js';
import { cacheFile } from './cache.js';
import { renderMetrics } from './metrics.js';
import { newProbeCache, scan, type ScanOptions, type ScanResult } from './scan.js';
import { printScanTable } from './scan-render.js';
import { parseListenAddress, startMetricsServer, type ListenAddress } from './serve.js';

// `guestctl scan`: parse the options, then one scan, a refreshing one (--watch), or an
// exporter (--serve).

export const SCAN_USAGE = `usage: guestctl scan [--connect URI]... [--json] [--timeout SECONDS] [--concurrency N]
                    [--watch SECONDS] [--cache-ttl SECONDS] [--serve ADDR:PORT]

Every domain (running and shut off) of each libvirt connection: state, OS (from the guest
agent), memory used/max, vCPUs, CPU time, IP addresses (from the agent).
  --connect URI       a libvirt URI; repeat it for a fleet table with a HOST column
                      (default: $LIBVIRT_URI, $LIBVIRT_DEFAULT_URI, then virsh's default)
  --timeout SECONDS   how long each guest agent has to answer (default 5)
  --concurrency N     domains probed at the same time (default: all, at most 64)
  --cache-ttl SECONDS keep agent answers this long, in memory and in
                      $XDG_CACHE_HOME/guestctl/scan-agents.json (default 60; 0: off)
  --watch SECONDS     scan again every SECONDS until Ctrl-C (with --json: one line per scan)
  --serve ADDR:PORT   serve Prometheus metrics on /metrics and /healthz (port alone: 127.0.0.1)
  --json              print a JSON array

Metrics (labels host, domain): guestctl_domain_memory_used_bytes, guestctl_domain_memory_max_bytes,
guestctl_domain_cpu_seconds_total, guestctl_domain_vcpus, guestctl_domain_agent_up,
guestctl_domain_info{os}, guestctl_domain_state{state} (one series per libvirt state: nostate,
running, blocked, paused, shutdown, shutoff, crashed, pmsuspended; 1 for the current one),
guestctl_host_up{host}, guestctl_scan_duration_seconds.`;

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

export function parseScanArgs(argv: string[], env: NodeJS.ProcessEnv = process.env): ScanCliOptions {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: false,
      options: {
        connect: { type: 'string', multiple: true },
        json: { type: 'boolean' },
        timeout: { type: 'string' },
        concurrency: { type: 'string' },
        watch: { type: 'string' },
        'cache-ttl': { type: 'string' },
        serve: { type: 'string' },
        'no-color': { type: 'boolean' },
        debug: { type: 'boolean' },
      },
    });
  } catch (err) {
    throw new CliError('usage', `${(err as Error).message.split('.')[0]}: see guestctl scan --help`);
  }
  const v = parsed.values;
  const uris = (v.connect ?? []).map((u) => {
    if (!u.trim()) throw new CliError('usage', '--connect needs a libvirt URI, e.g. qemu:///system');
    return u.trim();
  });
  const seconds = (name: string, text: string | undefined, dflt: number, min: number): number => {
    if (text === undefined) return dflt;
    const n = Number(text);
    if (!/^\d+(\.\d+)?$/.test(text.trim()) || !Number.isFinite(n) || n < min)
      throw new CliError('usage', `--${name} needs a number of seconds${min > 0 ? ' above 0' : ''}, not '${text}'`);
    return Math.round(n * 1000);
  };
  const timeoutMs = seconds('timeout', v.timeout, 5000, 0.001);
  if (timeoutMs < 1) throw new CliError('usage', '--timeout needs a number of seconds above 0');
  let concurrency: number | undefined;
  if (v.concurrency !== undefined) {
    if (!/^\d+$/.test(v.concurrency) || Number(v.concurrency) < 1 || Number(v.concurrency) > 1024)
      throw new CliError('usage', `--concurrency needs a whole number from 1 to 1024, not '${v.concurrency}'`);
    concurrency = Number(v.concurrency);
  }
  const watchMs = v.watch === undefined ? null : seconds('watch', v.watch, 0, 0.001);
  if (watchMs !== null && watchMs < 100) throw new CliError('usage', '--watch needs at least 0.1 seconds');
  const serve = v.serve === undefined ? null : parseListenAddress(v.serve);
  if (serve && watchMs !== null) throw new CliError('usage', '--serve and --watch do not go together: the exporter scans on each scrape');
  if (serve && v.json) throw new CliError('usage', '--serve and --json do not go together');
  return {
    uris: uris.length ? uris : [undefined],
    json: v.json === true,
    timeoutMs,
    concurrency,
    watchMs,
    cacheTtlMs: seconds('cache-ttl', v['cache-ttl'], 60_000, 0),
    serve,
    color: v['no-color'] !== true && !env.NO_COLOR && process.stdout.isTTY === true,
  };
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

export async function runScan(argv: string[], io: Partial<ScanIo> = {}): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    (io.stdout ?? process.stdout).write(SCAN_USAGE + '\n');
    return 0;
  }
  const env = io.env ?? process.env;
  const o = parseScanArgs(argv, env);
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
      await sleep(o.watchMs!, stop.signal);
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

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}
