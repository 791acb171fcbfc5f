import { CliError } from '../util/errors.js';
import { parseArgv } from '../util/cli-args.js';
import { parseListenAddress } from '../libvirt/serve.js';
import type { ScanCliOptions } from '../libvirt/scan-cli.js';
import { debugOption, jsonOption, noColorOption } from './common-options.js';
import { usage } from './help.js';
import { defineCliCommand, useColor } from './spec.js';

const options = {
  connect: {
    type: 'string',
    valueName: 'URI',
    multiple: true,
    description: "a libvirt URI; repeat it for a fleet table with a HOST column (default: $LIBVIRT_URI, $LIBVIRT_DEFAULT_URI, then virsh's default)",
  },
  json: { ...jsonOption, description: 'print a JSON array' },
  timeout: { type: 'string', valueName: 'SECONDS', description: 'how long each guest agent has to answer (default 5)' },
  concurrency: { type: 'string', valueName: 'N', description: 'domains probed at the same time (default: all, at most 64)' },
  watch: { type: 'string', valueName: 'SECONDS', description: 'scan again every SECONDS until Ctrl-C (with --json: one line per scan)' },
  'cache-ttl': {
    type: 'string',
    valueName: 'SECONDS',
    description: 'keep agent answers this long, in memory and in $XDG_CACHE_HOME/guestctl/scan-agents.json (default 60; 0: off)',
  },
  serve: { type: 'string', valueName: 'ADDR:PORT', description: 'serve Prometheus metrics on /metrics and /healthz (port alone: 127.0.0.1)' },
  'no-color': noColorOption,
  debug: debugOption,
} as const;

const scan = defineCliCommand<ScanCliOptions>({
  name: 'scan',
  summary: 'every VM: state, OS, memory, CPU, addresses',
  description: `Every domain (running and shut off) of each libvirt connection: state, OS (from the guest
agent), memory used/max, vCPUs, CPU time, IP addresses (from the agent).

Metrics (labels host, domain): guestctl_domain_memory_used_bytes, guestctl_domain_memory_max_bytes,
guestctl_domain_cpu_seconds_total, guestctl_domain_vcpus, guestctl_domain_agent_up,
guestctl_domain_info{os}, guestctl_domain_state{state} (one series per libvirt state: nostate,
running, blocked, paused, shutdown, shutoff, crashed, pmsuspended; 1 for the current one),
guestctl_host_up{host}, guestctl_scan_duration_seconds.`,
  options,
  examples: [
    'guestctl scan --connect qemu:///system',
    'guestctl scan --connect qemu+ssh://host1/system --connect qemu+ssh://host2/system --json',
    'guestctl scan --watch 5 --cache-ttl 30',
    'guestctl scan --serve 9177',
  ],
  parse: parseScanArgs,
  async run(opts) {
    const { runScan } = await import('../libvirt/scan-cli.js');
    return runScan(opts);
  },
});
export default scan;

export function parseScanArgs(argv: string[], env: NodeJS.ProcessEnv = process.env): ScanCliOptions {
  const parsed = parseArgv(argv, options, usage(scan));
  if (parsed.positionals.length > 0) throw new CliError('usage', `unexpected argument '${parsed.positionals[0]}'; usage: ${usage(scan)}`);
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
    color: useColor(v['no-color'], env),
  };
}
