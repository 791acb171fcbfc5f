import { escapeForTerminal } from '../shell/escape.js';
import { formatBytes, formatDuration, formatRate } from '../util/format.js';
import { columns, sparkline, type Ring } from './history.js';
import type { BandwidthSample, MetricsSample } from './sample.js';

// What `metrics --watch` and `bandwidth --watch` draw: on a terminal a few lines with sparklines
// of the window (redrawn in place), in a pipe one row per sample. Pure: samples in, lines out.

export interface ViewOptions {
  /** Seconds between samples. */
  interval: number;
  /** Terminal columns. */
  width: number;
  /** Terminal rows: the view never needs more (a redraw cannot reach rows scrolled away). */
  height: number;
}

const secs = (s: number) => `${s} s`;

const duration = (s: number) => formatDuration(s, s < 3600);

/** What the graphs cover: the samples so far, up to the window. */
function graphHead<T>(ring: Ring<T>, interval: number): string {
  return `every ${secs(interval)}, graphs over the last ${duration(ring.size * interval)} (up to ${duration(ring.capacity * interval)})`;
}

const pct = (part: number, whole: number) => (whole > 0 ? `${Math.round((part / whole) * 100)}%` : '-');

export function metricsView(ring: Ring<MetricsSample>, o: ViewOptions): string[] {
  const head = `${graphHead(ring, o.interval)}; Ctrl-C to stop`;
  const s = ring.latest;
  if (!s) return [head, `first sample in ${secs(o.interval)}`];
  const valueWidth = 34;
  const graph = Math.max(4, Math.min(ring.capacity, o.width - 1 - 8 - valueWidth));
  const col = (pick: (m: MetricsSample) => number | null, reduce: 'mean' | 'max') => columns(ring, pick, graph, reduce);
  const peak = (pick: (m: MetricsSample) => number) => Math.max(0, ...ring.toArray().map(pick));
  const rxPeak = peak((m) => m.network.rxRate);
  const txPeak = peak((m) => m.network.txRate);
  const ratePeak = Math.max(rxPeak, txPeak);
  const row = (label: string, value: string, bars: string) => `${label.padEnd(8)}${value.padEnd(valueWidth)}${bars}`;
  const cpu = s.cpu;
  const lines = [
    head,
    row('CPU', cpu ? `${cpu.used.toFixed(1)}% (sys ${cpu.system.toFixed(1)}, io ${cpu.iowait.toFixed(1)}, st ${cpu.steal.toFixed(1)})` : '-', sparkline(col((m) => m.cpu?.used ?? null, 'mean'), { max: 100 }).padStart(graph)),
    row('Memory', `${formatBytes(s.memory.used)} of ${formatBytes(s.memory.total)} (${pct(s.memory.used, s.memory.total)})`, sparkline(col((m) => m.memory.used, 'mean'), { max: s.memory.total }).padStart(graph)),
    row('RX', `${formatRate(s.network.rxRate)} (peak ${formatRate(rxPeak)})`, sparkline(col((m) => m.network.rxRate, 'max'), { max: ratePeak }).padStart(graph)),
    row('TX', `${formatRate(s.network.txRate)} (peak ${formatRate(txPeak)})`, sparkline(col((m) => m.network.txRate, 'max'), { max: ratePeak }).padStart(graph)),
    `${'Load'.padEnd(8)}${s.load.load1.toFixed(2)} ${s.load.load5.toFixed(2)} ${s.load.load15.toFixed(2)}, up ${formatDuration(s.uptime, false)}${s.swap.total > 0 ? `, swap ${formatBytes(s.swap.used)} of ${formatBytes(s.swap.total)}` : ''}`,
  ];
  return lines.slice(0, Math.max(1, o.height - 1));
}

const clock = (iso: string) => iso.slice(11, 19);

export const METRICS_ROW_HEADER = `${'TIME(UTC)'.padEnd(9)}  ${'CPU%'.padStart(5)}  ${'MEM USED'.padStart(10)}  ${'MEM%'.padStart(4)}  ${'RX/s'.padStart(12)}  ${'TX/s'.padStart(12)}  LOAD1`;

/** One row per sample, for a pipe (no redraw there). */
export function metricsRow(s: MetricsSample): string {
  return `${clock(s.time).padEnd(9)}  ${(s.cpu ? s.cpu.used.toFixed(1) : '-').padStart(5)}  ${formatBytes(s.memory.used).padStart(10)}  ${pct(s.memory.used, s.memory.total).padStart(4)}  ${formatRate(s.network.rxRate).padStart(12)}  ${formatRate(s.network.txRate).padStart(12)}  ${s.load.load1.toFixed(2)}`;
}

export function bandwidthView(ring: Ring<BandwidthSample>, o: ViewOptions): string[] {
  const head = `${graphHead(ring, o.interval)}, each interface to its peak; Ctrl-C to stop`;
  const s = ring.latest;
  if (!s) return [head, `first sample in ${secs(o.interval)}`];
  const names = s.interfaces.map((i) => escapeForTerminal(i.name));
  const nameWidth = Math.max(9, ...names.map((n) => n.length));
  const rateWidth = 12;
  const graph = Math.max(4, Math.min(ring.capacity, Math.floor((o.width - 1 - nameWidth - 2 * rateWidth - 8) / 2)));
  const samples = ring.toArray();
  const lines = [head, `${'INTERFACE'.padEnd(nameWidth)}  ${'RX'.padStart(rateWidth)}  ${''.padEnd(graph)}  ${'TX'.padStart(rateWidth)}`];
  const room = Math.max(1, o.height - 1 - lines.length);
  const shown = s.interfaces.length > room ? room - 1 : s.interfaces.length;
  s.interfaces.slice(0, shown).forEach((iface, k) => {
    const rate = (m: BandwidthSample, dir: 'rxRate' | 'txRate') => m.interfaces.find((i) => i.name === iface.name)?.[dir] ?? null;
    const peak = Math.max(0, ...samples.flatMap((m) => [rate(m, 'rxRate') ?? 0, rate(m, 'txRate') ?? 0]));
    const bars = (dir: 'rxRate' | 'txRate') => sparkline(columns(ring, (m) => rate(m, dir), graph, 'max'), { max: peak }).padStart(graph);
    lines.push(`${names[k]!.padEnd(nameWidth)}  ${formatRate(iface.rxRate).padStart(rateWidth)}  ${bars('rxRate')}  ${formatRate(iface.txRate).padStart(rateWidth)}  ${bars('txRate')}`);
  });
  if (shown < s.interfaces.length) lines.push(`… ${s.interfaces.length - shown} more interfaces (a taller terminal shows them)`);
  return lines;
}

export const BANDWIDTH_ROW_HEADER = `${'TIME(UTC)'.padEnd(9)}  ${'INTERFACE'.padEnd(15)}  ${'RX/s'.padStart(12)}  ${'TX/s'.padStart(12)}`;

/** One row per interface and sample, for a pipe. */
export function bandwidthRows(s: BandwidthSample): string[] {
  return s.interfaces.map((i) => `${clock(s.time).padEnd(9)}  ${escapeForTerminal(i.name).padEnd(15)}  ${formatRate(i.rxRate).padStart(12)}  ${formatRate(i.txRate).padStart(12)}`);
}
