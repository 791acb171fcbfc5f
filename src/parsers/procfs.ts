// Pure parsers for the Linux /proc files the live commands read in the guest:
// /proc/meminfo, /proc/loadavg, /proc/uptime, /proc/net/dev and /proc/PID/stat.

/** /proc/meminfo as bytes per key (the kernel prints kB = KiB; counters without a unit stay as they are). */
export function parseMeminfo(text: string): Map<string, number> {
  const m = new Map<string, number>();
  for (const line of text.split('\n')) {
    const r = /^([^:\s]+):\s+(\d+)(?:\s+(kB))?\s*$/.exec(line);
    if (r) m.set(r[1]!, Number(r[2]) * (r[3] ? 1024 : 1));
  }
  return m;
}

export interface MemorySummary {
  total: number;
  available: number;
  used: number;
  free: number;
  buffersCached: number;
  swapTotal: number;
  swapUsed: number;
}

/** Used = total - available (as free(1) computes it since procps 3.3.10). */
export function memorySummary(meminfo: Map<string, number>): MemorySummary {
  const get = (k: string) => meminfo.get(k) ?? 0;
  const total = get('MemTotal');
  const free = get('MemFree');
  const cached = get('Buffers') + get('Cached') + get('SReclaimable');
  // Kernels before 3.14 have no MemAvailable: estimate it like free(1) did.
  const available = meminfo.has('MemAvailable') ? get('MemAvailable') : Math.min(total, free + cached);
  return {
    total,
    available,
    used: Math.max(0, total - available),
    free,
    buffersCached: cached,
    swapTotal: get('SwapTotal'),
    swapUsed: Math.max(0, get('SwapTotal') - get('SwapFree')),
  };
}

export interface LoadAvg {
  load1: number;
  load5: number;
  load15: number;
  running: number;
  /** Scheduling entities (threads), not processes. */
  threads: number;
  lastPid: number;
}

export function parseLoadavg(text: string): LoadAvg {
  const m = /^\s*([\d.]+)\s+([\d.]+)\s+([\d.]+)\s+(\d+)\/(\d+)\s+(\d+)/.exec(text);
  if (!m) throw new Error(`unexpected /proc/loadavg: ${JSON.stringify(text.slice(0, 80))}`);
  return { load1: Number(m[1]), load5: Number(m[2]), load15: Number(m[3]), running: Number(m[4]), threads: Number(m[5]), lastPid: Number(m[6]) };
}

/** /proc/uptime: seconds since boot, and idle seconds summed over all CPUs. */
export function parseUptime(text: string): { uptime: number; idle: number } {
  const m = /^\s*([\d.]+)\s+([\d.]+)/.exec(text);
  if (!m) throw new Error(`unexpected /proc/uptime: ${JSON.stringify(text.slice(0, 80))}`);
  return { uptime: Number(m[1]), idle: Number(m[2]) };
}

export interface NetDevCounters {
  name: string;
  rxBytes: number;
  rxPackets: number;
  rxErrors: number;
  rxDropped: number;
  txBytes: number;
  txPackets: number;
  txErrors: number;
  txDropped: number;
}

/**
 * /proc/net/dev: two header lines, then `  name: rx(8 fields) tx(8 fields)`. The name may be
 * glued to the first counter on old kernels (`eth0:123`), and may itself contain dots or
 * dashes (`br-1a2b`, `eth0.100`).
 */
export function parseNetDev(text: string): NetDevCounters[] {
  const out: NetDevCounters[] = [];
  for (const line of text.split('\n')) {
    const colon = line.lastIndexOf(':');
    if (colon < 0 || line.includes('|')) continue;
    const name = line.slice(0, colon).trim();
    const f = line
      .slice(colon + 1)
      .trim()
      .split(/\s+/)
      .map(Number);
    if (!name || f.length < 16 || f.some((n) => !Number.isFinite(n))) continue;
    out.push({
      name,
      rxBytes: f[0]!,
      rxPackets: f[1]!,
      rxErrors: f[2]!,
      rxDropped: f[3]!,
      txBytes: f[8]!,
      txPackets: f[9]!,
      txErrors: f[10]!,
      txDropped: f[11]!,
    });
  }
  return out;
}

export interface ProcStat {
  pid: number;
  /** The kernel's 15-character command name (may contain spaces and parentheses). */
  comm: string;
  state: string;
  ppid: number;
  /** utime + stime, in clock ticks. */
  ticks: number;
  /** Start time after boot, in clock ticks. */
  starttime: number;
  /** Resident set, in pages. */
  rssPages: number;
  threads: number;
  nice: number;
}

/**
 * One /proc/PID/stat line. The command name sits in parentheses and may contain anything,
 * ")" and spaces included: the fields start after the LAST ")".
 */
export function parseProcStatLine(line: string): ProcStat | null {
  const open = line.indexOf('(');
  const close = line.lastIndexOf(')');
  if (open < 0 || close < open) return null;
  const pid = Number(line.slice(0, open).trim());
  const f = line
    .slice(close + 2)
    .trim()
    .split(/\s+/);
  // f[0] is field 3 (state); field n is f[n - 3].
  if (!Number.isInteger(pid) || f.length < 22) return null;
  const n = (field: number) => Number(f[field - 3]);
  return {
    pid,
    comm: line.slice(open + 1, close),
    state: f[0]!,
    ppid: n(4),
    ticks: n(14) + n(15),
    nice: n(19),
    threads: n(20),
    starttime: n(22),
    rssPages: n(24),
  };
}

/** Concatenated /proc/[0-9]*\/stat files (one line each). */
export function parseProcStats(text: string): ProcStat[] {
  return text
    .split('\n')
    .map((l) => parseProcStatLine(l))
    .filter((s): s is ProcStat => s !== null);
}

/** `ls -ln /proc`: owner uid of each /proc/PID directory (GNU and busybox ls). */
export function parseProcOwners(text: string): Map<number, number> {
  const owners = new Map<number, number>();
  for (const line of text.split('\n')) {
    const f = line.trim().split(/\s+/);
    if (f.length < 9 || !f[0]!.startsWith('d')) continue;
    const name = f[f.length - 1]!;
    if (/^\d+$/.test(name) && /^\d+$/.test(f[2]!)) owners.set(Number(name), Number(f[2]));
  }
  return owners;
}

/** The aggregate `cpu` line of /proc/stat, in clock ticks summed over all CPUs. */
export interface CpuTimes {
  user: number;
  nice: number;
  system: number;
  idle: number;
  iowait: number;
  irq: number;
  softirq: number;
  steal: number;
}

/**
 * The first line of /proc/stat: `cpu  user nice system idle iowait irq softirq steal guest guest_nice`.
 * Old kernels stop after idle (2.4) or iowait..softirq (before 2.6.11 no steal): missing fields are 0.
 * guest and guest_nice are already counted in user and nice, so they are left out.
 */
export function parseProcStatCpu(text: string): CpuTimes {
  const line = text.split('\n').find((l) => /^cpu\s/.test(l));
  const f = line?.trim().split(/\s+/).slice(1).map(Number) ?? [];
  if (f.length < 4 || f.some((n) => !Number.isFinite(n) || n < 0)) throw new Error(`unexpected /proc/stat: ${JSON.stringify((line ?? text).slice(0, 80))}`);
  const n = (i: number) => f[i] ?? 0;
  return { user: n(0), nice: n(1), system: n(2), idle: n(3), iowait: n(4), irq: n(5), softirq: n(6), steal: n(7) };
}
