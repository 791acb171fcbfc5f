import { memorySummary, parseLoadavg, parseMeminfo, parseNetDev, parseProcStatCpu, parseUptime, type CpuTimes, type MemorySummary, type NetDevCounters } from '../parsers/procfs.js';
import type { InterfaceRate } from '../parsers/bandwidth-sample.js';
import { sections } from '../live/scripts.js';

// `metrics --watch` and `bandwidth --watch`: one reading of the guest's counters per round trip
// (the WATCH_SAMPLE script), and what changed between two readings: CPU use from the /proc/stat
// tick deltas, rx/tx rates from the /proc/net/dev byte deltas, both over the guest's own elapsed
// time (its uptime), so a slow round trip does not skew them.

/** One reading of the guest's counters. */
export interface Reading {
  uptime: number;
  cpu: CpuTimes;
  memory: MemorySummary;
  load: { load1: number; load5: number; load15: number };
  net: NetDevCounters[];
}

export function readingFrom(stdout: string): Reading {
  const [uptime = '', stat = '', meminfo = '', loadavg = '', netdev = ''] = sections(stdout);
  const { load1, load5, load15 } = parseLoadavg(loadavg);
  return {
    uptime: parseUptime(uptime).uptime,
    cpu: parseProcStatCpu(stat),
    memory: memorySummary(parseMeminfo(meminfo)),
    load: { load1, load5, load15 },
    net: parseNetDev(netdev),
  };
}

const COUNTER_32 = 2 ** 32;

/**
 * How much a monotonic counter grew from `prev` to `cur`. A counter that went back either
 * wrapped (a 32-bit counter of a 32-bit kernel passing 2^32: the wrapped growth is small) or
 * was reset (the interface was re-created, the driver reset it: it started again at 0, so
 * `cur` is what it counted since).
 */
export function counterDelta(prev: number, cur: number): number {
  if (cur >= prev) return cur - prev;
  const wrapped = COUNTER_32 - prev + cur;
  if (prev < COUNTER_32 && wrapped < COUNTER_32 / 2) return wrapped;
  return cur;
}

/** CPU use over an interval, in percent of all the guest's CPUs (0-100), as top's summary line counts it. */
export interface CpuUse {
  /** Everything but idle and iowait. */
  used: number;
  /** user + nice. */
  user: number;
  /** system + irq + softirq. */
  system: number;
  iowait: number;
  /** Time the hypervisor gave to someone else while this guest wanted to run. */
  steal: number;
}

const round1 = (n: number) => Math.round(n * 10) / 10;

/** CPU use between two /proc/stat readings; null when no tick passed in between. */
export function cpuUse(prev: CpuTimes, cur: CpuTimes): CpuUse | null {
  const d = (k: keyof CpuTimes) => Math.max(0, cur[k] - prev[k]);
  const total = d('user') + d('nice') + d('system') + d('idle') + d('iowait') + d('irq') + d('softirq') + d('steal');
  if (total <= 0) return null;
  const pct = (ticks: number) => round1((ticks / total) * 100);
  return {
    used: pct(total - d('idle') - d('iowait')),
    user: pct(d('user') + d('nice')),
    system: pct(d('system') + d('irq') + d('softirq')),
    iowait: pct(d('iowait')),
    steal: pct(d('steal')),
  };
}

/** One sample of `metrics --watch` (one JSON line with --json). */
export interface MetricsSample {
  /** Host time of the reading (ISO 8601, UTC). */
  time: string;
  /** Guest seconds since boot. */
  uptime: number;
  /** Guest seconds since the previous reading. */
  interval: number;
  cpu: CpuUse | null;
  load: { load1: number; load5: number; load15: number };
  /** Bytes; used = total - available, as free(1) and `metrics` count it. */
  memory: { total: number; used: number; available: number };
  swap: { total: number; used: number };
  /** Bytes per second, summed over every interface but the loopback. */
  network: { rxRate: number; txRate: number };
}

/** One sample of `bandwidth --watch`: the one-shot command's result, with its time. */
export interface BandwidthSample {
  time: string;
  interval: number;
  interfaces: InterfaceRate[];
}

const ZERO_CPU: CpuTimes = { user: 0, nice: 0, system: 0, idle: 0, iowait: 0, irq: 0, softirq: 0, steal: 0 };

/**
 * The earlier reading to compare with, and the guest seconds in between. A guest that rebooted
 * in between (its uptime went back) started every counter again at 0 when it booted.
 */
function baseline(prev: Reading, cur: Reading): { base: Reading; elapsed: number } {
  const base = cur.uptime < prev.uptime ? { ...prev, uptime: 0, cpu: ZERO_CPU, net: [] } : prev;
  // /proc/uptime has hundredths: never divide by 0.
  return { base, elapsed: Math.max(cur.uptime - base.uptime, 0.01) };
}

/** Per interface: totals, and rates over the interval (an interface that appeared in between counted from 0). */
function interfaceRates(base: Reading, cur: Reading, elapsed: number): InterfaceRate[] {
  const before = new Map(base.net.map((d) => [d.name, d]));
  return cur.net.map((d) => {
    const p = before.get(d.name);
    return {
      name: d.name,
      rxBytes: d.rxBytes,
      txBytes: d.txBytes,
      rxRate: round1(counterDelta(p?.rxBytes ?? 0, d.rxBytes) / elapsed),
      txRate: round1(counterDelta(p?.txBytes ?? 0, d.txBytes) / elapsed),
      rxPackets: d.rxPackets,
      txPackets: d.txPackets,
    };
  });
}

export function metricsSample(prev: Reading, cur: Reading, time: Date): MetricsSample {
  const { base, elapsed } = baseline(prev, cur);
  const rates = interfaceRates(base, cur, elapsed).filter((i) => i.name !== 'lo');
  const m = cur.memory;
  return {
    time: time.toISOString(),
    uptime: cur.uptime,
    interval: round2(elapsed),
    cpu: cpuUse(base.cpu, cur.cpu),
    load: cur.load,
    memory: { total: m.total, used: m.used, available: m.available },
    swap: { total: m.swapTotal, used: m.swapUsed },
    network: { rxRate: sum(rates.map((i) => i.rxRate)), txRate: sum(rates.map((i) => i.txRate)) },
  };
}

export function bandwidthSample(prev: Reading, cur: Reading, time: Date): BandwidthSample {
  const { base, elapsed } = baseline(prev, cur);
  return { time: time.toISOString(), interval: round2(elapsed), interfaces: interfaceRates(base, cur, elapsed) };
}

const round2 = (n: number) => Math.round(n * 100) / 100;
const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
