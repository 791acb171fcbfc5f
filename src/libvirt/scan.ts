import { describeError } from '../util/errors.js';
import { TtlCache } from './cache.js';
import { isActive, isRunning, parseDominfo, parseDomstats, parseNameList, STATE_NAMES, type DomInfo, type DomStats } from './parse.js';
import { mapPool } from './pool.js';
import { isAgentProbe, probeAgent, virshAgents, type AgentOpener, type AgentProbe } from './scan-probe.js';
import { hostOf, virsh, VirshError, virshMany, virshUri, type VirshOptions } from './virsh.js';

// A scan: every domain of every libvirt connection (running and shut off), with what libvirt
// knows (state, memory, vCPUs, CPU time: one `virsh domstats` per host, `virsh dominfo`
// where that is not enough) and what the guest agent tells (OS, addresses). Per-domain work
// runs in one bounded pool with a per-probe deadline; agent answers are cached with a TTL.

export interface ScanRow {
  /** The host of the libvirt URI ("localhost" for a local one). */
  host: string;
  uri: string | null;
  name: string;
  /** virsh's words: running, paused, shut off, … */
  state: string;
  stateCode: number | null;
  os: string | null;
  osSource: AgentProbe['osSource'];
  /** up, none (no agent), timeout, error, or not-running (not asked: the guest is not running). */
  agent: AgentProbe['status'] | 'not-running';
  agentNote: string | null;
  /** The memory the domain has now (libvirt's current balloon size), null when not running. */
  memoryUsedKiB: number | null;
  /** null when unknown or unlimited (memoryUnlimited). */
  memoryMaxKiB: number | null;
  memoryUnlimited: boolean;
  vcpus: number | null;
  cpuSeconds: number | null;
  addresses: string[];
  /** The agent facts came from the cache (--cache-ttl). */
  cached: boolean;
  /** What libvirt could not tell about this domain. */
  error: string | null;
}

export interface HostError {
  host: string;
  uri: string | null;
  message: string;
}

export interface ScanResult {
  rows: ScanRow[];
  errors: HostError[];
  /** Each connection, in the order given, and whether it answered. */
  hosts: { host: string; uri: string | null; up: boolean }[];
  durationMs: number;
}

/** An agent answer as cached: with the CPU time at probe time, so a restarted domain is asked again. */
export interface CachedProbe extends AgentProbe {
  cpuNs: number | null;
}

export function isCachedProbe(v: unknown): v is CachedProbe {
  return isAgentProbe(v) && ((v as CachedProbe).cpuNs === null || typeof (v as CachedProbe).cpuNs === 'number');
}

/**
 * Probes are cheap (one agent round trip each), so by default every domain is probed at once
 * and a scan with silent agents takes about one timeout; the cap bounds virsh processes.
 */
export const SCAN_CONCURRENCY_CAP = 64;

export interface ScanOptions {
  /** libvirt URIs; [undefined] for virsh's default connection. */
  uris: (string | undefined)[];
  timeoutMs: number;
  /** Domains probed at the same time (default: all of them, up to SCAN_CONCURRENCY_CAP). */
  concurrency?: number;
  cache?: TtlCache<CachedProbe>;
  /** How probes reach the agents (default: virsh qemu-agent-command). */
  openAgent?: AgentOpener;
  env?: NodeJS.ProcessEnv;
  virshProgram?: string;
}

/** Host labels for a set of URIs: the host, or the whole URI where two would share one. */
export function hostLabels(uris: (string | undefined)[]): string[] {
  const hosts = uris.map(hostOf);
  return hosts.map((h, i) => (hosts.filter((x) => x === h).length > 1 && uris[i] ? uris[i]! : h));
}

interface Pending {
  host: string;
  uri: string | undefined;
  name: string;
  stats: DomStats | undefined;
  info?: DomInfo;
}

const DOMINFO_BATCH = 50;

export async function scan(opts: ScanOptions): Promise<ScanResult> {
  const start = Date.now();
  const labels = hostLabels(opts.uris);
  const libvirtTimeout = Math.max(30_000, 2 * opts.timeoutMs);
  const vopts = (uri: string | undefined): VirshOptions => ({ uri, env: opts.env, program: opts.virshProgram, timeoutMs: libvirtTimeout });
  const errors: (HostError | undefined)[] = [];
  const hosts: ScanResult['hosts'] = [];

  const listed = await Promise.all(
    opts.uris.map(async (uri, i) => {
      const host = labels[i]!;
      try {
        const names = parseNameList(await virsh(['list', '--all', '--name'], vopts(uri)));
        const stats = new Map<string, DomStats>();
        if (names.length > 0) {
          try {
            for (const s of parseDomstats(await virsh(['domstats', '--state', '--cpu-total', '--balloon', '--vcpu'], vopts(uri)))) stats.set(s.name, s);
          } catch (err) {
            // An old daemon without domstats: every domain gets `virsh dominfo` instead.
            if (!(err instanceof VirshError && err.kind === 'unsupported')) throw err;
          }
        }
        hosts[i] = { host, uri: uri ?? null, up: true };
        return names.map((name): Pending => ({ host, uri, name, stats: stats.get(name) }));
      } catch (err) {
        hosts[i] = { host, uri: uri ?? null, up: false };
        errors[i] = { host, uri: uri ?? null, message: describeError(err) };
        return [];
      }
    }),
  );

  // Drivers whose domstats lack memory or CPU figures (the test driver, old daemons): one
  // batched `virsh dominfo` process per host and chunk instead of one per domain.
  const pending = listed.flat();
  const chunks: Pending[][] = [];
  for (const group of opts.uris.map((_, i) => listed[i]!.filter((p) => needsDominfo(p.stats))))
    for (let i = 0; i < group.length; i += DOMINFO_BATCH) chunks.push(group.slice(i, i + DOMINFO_BATCH));
  const concurrency = opts.concurrency ?? SCAN_CONCURRENCY_CAP;
  await mapPool(chunks, concurrency, async (chunk) => {
    const outs = await virshMany(
      chunk.map((p) => ['dominfo', '--domain', p.name]),
      vopts(chunk[0]!.uri),
    ).catch(() => chunk.map(() => null)); // each domain then asks on its own, and gets its own error
    chunk.forEach((p, i) => {
      const info = outs[i] ? parseDominfo(outs[i]!) : null;
      if (info && info.name === p.name) p.info = info;
    });
  });

  const openAgent = opts.openAgent ?? virshAgents();
  const rows = await mapPool(pending, concurrency, (p) => scanDomain(p, { ...opts, openAgent }, vopts(p.uri)));
  return { rows, errors: errors.filter((e): e is HostError => e !== undefined), hosts, durationMs: Date.now() - start };
}

function needsDominfo(s: DomStats | undefined): boolean {
  if (!s || s.stateCode === null || s.vcpuCurrent === null || s.balloonMaximumKiB === null) return true;
  return isActive(s.stateCode) && (s.cpuTimeNs === null || s.balloonCurrentKiB === null);
}

async function scanDomain(p: Pending, opts: ScanOptions, vopts: VirshOptions): Promise<ScanRow> {
  let info: DomInfo | null = p.info ?? null;
  let error: string | null = null;
  if (!info && needsDominfo(p.stats)) {
    try {
      info = parseDominfo(await virsh(['dominfo', '--domain', p.name], vopts));
    } catch (err) {
      error = describeError(err);
    }
  }
  const s = p.stats;
  const code = s?.stateCode ?? info?.stateCode ?? null;
  const active = isActive(code);
  const cpuNs = active ? (s?.cpuTimeNs ?? info?.cpuTimeNs ?? null) : null;
  const row: ScanRow = {
    host: p.host,
    uri: p.uri ?? null,
    name: p.name,
    state: code !== null ? (STATE_NAMES[code] ?? 'unknown') : (info?.state ?? 'unknown'),
    stateCode: code,
    os: null,
    osSource: null,
    agent: 'not-running',
    agentNote: null,
    memoryUsedKiB: active ? (s?.balloonCurrentKiB ?? info?.usedMemoryKiB ?? null) : null,
    memoryMaxKiB: s?.balloonMaximumKiB ?? info?.maxMemoryKiB ?? null,
    memoryUnlimited: s?.balloonMaximumKiB == null && info?.unlimited === true,
    vcpus: s?.vcpuCurrent ?? info?.vcpus ?? null,
    cpuSeconds: cpuNs === null ? null : cpuNs / 1e9,
    addresses: [],
    cached: false,
    error,
  };
  if (!isRunning(code)) return row;

  // Keyed by the URI virsh is given (the default one from the environment too), and the name.
  const key = `${virshUri(vopts) ?? ''}\u0000${p.name}`;
  const hit = opts.cache?.get(key);
  let probe: CachedProbe;
  // A CPU time lower than at probe time means the domain was restarted since: ask again.
  if (hit && !(cpuNs !== null && hit.value.cpuNs !== null && cpuNs < hit.value.cpuNs)) {
    probe = hit.value;
    row.cached = true;
  } else {
    probe = { ...(await probeAgent({ name: p.name, uri: p.uri }, { timeoutMs: opts.timeoutMs, open: opts.openAgent })), cpuNs };
    opts.cache?.set(key, probe);
  }
  row.os = probe.os;
  row.osSource = probe.osSource;
  row.agent = probe.status;
  row.agentNote = probe.note;
  row.addresses = probe.addresses;
  return row;
}

export function newProbeCache(ttlMs: number, file?: string): TtlCache<CachedProbe> {
  return new TtlCache<CachedProbe>(ttlMs, { file, valid: isCachedProbe });
}
