import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseProcStatCpu } from '../../src/parsers/procfs.js';
import { bandwidthSample, counterDelta, cpuUse, metricsSample, readingFrom, type MetricsSample, type Reading } from '../../src/monitoring/sample.js';
import { columns, Ring, sparkline, windowCapacity } from '../../src/monitoring/history.js';
import { bandwidthRows, bandwidthView, metricsRow, metricsView, METRICS_ROW_HEADER } from '../../src/monitoring/view.js';

// The pure parts of `metrics --watch` / `bandwidth --watch`: readings of the WATCH_SAMPLE script
// (captured on a real Linux 6.18 with a busy loop between the two), the deltas between them,
// the window's ring and the sparklines.

const sample = (name: string) => readFileSync(join(import.meta.dirname, 'samples', 'live', name), 'utf8');
const r1 = readingFrom(sample('watch-reading-1.txt'));
const r2 = readingFrom(sample('watch-reading-2.txt'));
const T = new Date('2026-12-05T10:00:00Z');

describe('/proc/stat cpu line', () => {
  it('reads the aggregate line of a real /proc/stat, not a cpuN line', () => {
    expect(parseProcStatCpu(sample('linux-6.18-stat.txt'))).toEqual({ user: 43672, nice: 0, system: 6023, idle: 52117, iowait: 1509, irq: 0, softirq: 462, steal: 40 });
  });
  it.each([
    ['2.4 kernels: four fields', 'cpu  10 1 5 100\n', { user: 10, nice: 1, system: 5, idle: 100, iowait: 0, irq: 0, softirq: 0, steal: 0 }],
    ['2.6.0-2.6.10: no steal', 'cpu  10 1 5 100 2 3 4\ncpu0 10 1 5 100 2 3 4\n', { user: 10, nice: 1, system: 5, idle: 100, iowait: 2, irq: 3, softirq: 4, steal: 0 }],
  ])('%s', (_, text, want) => expect(parseProcStatCpu(text)).toEqual(want));
  it.each([['no cpu line', 'intr 1 2\n'], ['garbage', 'cpu  a b c d\n'], ['too short', 'cpu  1 2\n']])('refuses %s', (_, text) => {
    expect(() => parseProcStatCpu(text)).toThrow(/unexpected \/proc\/stat/);
  });
});

describe('counter deltas', () => {
  it.each([
    ['growth', 100, 250, 150],
    ['no traffic', 7, 7, 0],
    ['a 32-bit counter wrapped past 2^32', 2 ** 32 - 100, 50, 150],
    ['a reset (interface re-created): what it counted since', 5_000_000, 1200, 1200],
    ['a 64-bit counter that went back is a reset, never a wrap', 2 ** 40, 10, 10],
    ['a small 32-bit value that went back is a reset (the wrap would be > 2^31)', 1000, 10, 10],
  ])('%s', (_, prev, cur, want) => expect(counterDelta(prev, cur)).toBe(want));
});

describe('CPU use between two readings', () => {
  it('the busy loop between the real readings: all of it used, most of it user', () => {
    // user +113, system +5, softirq +1, steal +2, idle and iowait +0: 121 ticks.
    expect(cpuUse(r1.cpu, r2.cpu)).toEqual({ used: 100, user: 93.4, system: 5, iowait: 0, steal: 1.7 });
  });
  it('idle and iowait are not used; no tick in between is null', () => {
    const a = { user: 0, nice: 0, system: 0, idle: 0, iowait: 0, irq: 0, softirq: 0, steal: 0 };
    expect(cpuUse(a, { ...a, user: 10, nice: 10, idle: 60, iowait: 20 })).toEqual({ used: 20, user: 20, system: 0, iowait: 20, steal: 0 });
    expect(cpuUse(a, a)).toBeNull();
  });
});

describe('samples', () => {
  it('metrics: CPU, memory as free(1) counts it, rx/tx over every interface but lo, over the guest elapsed time', () => {
    const s = metricsSample(r1, r2, T);
    expect(s).toEqual({
      time: '2026-12-05T10:00:00.000Z',
      uptime: 519.21,
      interval: 0.61,
      cpu: { used: 100, user: 93.4, system: 5, iowait: 0, steal: 1.7 },
      load: r2.load,
      memory: { total: 24731408 * 1024, used: (24731408 - 23270192) * 1024, available: 23270192 * 1024 },
      swap: { total: 0, used: 0 },
      network: { rxRate: expect.closeTo((252084010 - 237156268) / 0.61, 0), txRate: expect.closeTo((746303 - 728765) / 0.61, 0) },
    });
  });

  it('bandwidth: per interface, totals and rates; lo kept', () => {
    const b = bandwidthSample(r1, r2, T);
    expect(b.interval).toBe(0.61);
    expect(b.interfaces.map((i) => i.name)).toEqual(['lo', 'ifb0', 'ifb1', 'eth0']);
    expect(b.interfaces[3]).toMatchObject({ rxBytes: 252084010, txBytes: 746303, rxRate: expect.closeTo(14927742 / 0.61, 0), rxPackets: 10439 });
    expect(b.interfaces[0]).toMatchObject({ rxRate: 0, txRate: 0 });
  });

  it('an interface that appeared in between counts from 0; one that wrapped its 32-bit counter is not a negative rate', () => {
    const prev: Reading = { ...r1, net: [{ ...r1.net[3]!, rxBytes: 2 ** 32 - 1000 }] };
    const cur: Reading = { ...r2, net: [{ ...r2.net[3]!, rxBytes: 220 }, { ...r2.net[3]!, name: 'tap0', rxBytes: 610, txBytes: 61 }] };
    const b = bandwidthSample(prev, cur, T);
    expect(b.interfaces.map((i) => [i.name, i.rxRate])).toEqual([
      ['eth0', 2000],
      ['tap0', 1000],
    ]);
  });

  it('a guest that rebooted in between: everything counted since its boot', () => {
    const cur: Reading = { ...r1, uptime: 10, cpu: { user: 5, nice: 0, system: 5, idle: 90, iowait: 0, irq: 0, softirq: 0, steal: 0 }, net: [{ ...r1.net[3]!, rxBytes: 1000, txBytes: 100 }] };
    const s = metricsSample(r2, cur, T);
    expect([s.interval, s.cpu?.used, s.network]).toEqual([10, 10, { rxRate: 100, txRate: 10 }]);
  });
});

describe('the window', () => {
  it('a ring keeps the newest items, oldest first', () => {
    const r = new Ring<number>(3);
    expect([r.toArray(), r.latest]).toEqual([[], undefined]);
    for (const n of [1, 2, 3, 4, 5]) r.push(n);
    expect([r.toArray(), r.latest, r.size, r.pushed]).toEqual([[3, 4, 5], 5, 3, 5]);
  });

  it.each([
    [1, 300, 300],
    [0.1, 300, 3000],
    [0.01, 300, 3600],
    [600, 300, 2],
  ])('every %s s over %s s: %s samples', (interval, window, want) => expect(windowCapacity(interval, window)).toBe(want));

  it('one column a sample while they fit, then columns of several, aligned to sample numbers', () => {
    const r = new Ring<number>(12);
    for (const n of [1, 2, 3]) r.push(n);
    expect(columns(r, (n) => n, 4, 'mean')).toEqual([1, 2, 3]);
    for (const n of [4, 5, 6]) r.push(n);
    // 6 samples in 4 columns: 2 a column.
    expect(columns(r, (n) => n, 4, 'mean')).toEqual([1.5, 3.5, 5.5]);
    expect(columns(r, (n) => n, 4, 'max')).toEqual([2, 4, 6]);
    r.push(7);
    // 7 samples: still 2 a column (ceil 7/4), the newest column half full: the older ones did not move.
    expect(columns(r, (n) => n, 4, 'max')).toEqual([2, 4, 6, 7]);
    for (const n of [8, 9, 10, 11, 12, 13, 14]) r.push(n);
    // Full (12 of them, 3..14): 3 a column, aligned to sample numbers (the oldest, partial column falls off).
    expect(columns(r, (n) => n, 4, 'max')).toEqual([6, 9, 12, 14]);
  });

  it('missing values are left out of a column; a column of them is null', () => {
    const r = new Ring<number | null>(4);
    for (const n of [null, null, 4, null]) r.push(n);
    expect(columns(r, (n) => n, 2, 'mean')).toEqual([null, 4]);
  });
});

describe('sparkline', () => {
  it.each([
    ['scaled to the largest value', [0, 1, 2, 3, 4, 5, 6, 7], {}, '▁▂▃▄▅▆▇█'],
    ['on a fixed scale', [0, 50, 100], { max: 100 }, '▁▅█'],
    ['clamped to the scale', [-5, 150], { max: 100 }, '▁█'],
    ['all zero', [0, 0, 0], {}, '▁▁▁'],
    ['a missing value is a gap', [10, null, 10], {}, '█ █'],
    ['nothing', [], {}, ''],
  ])('%s', (_, values, scale, want) => expect(sparkline(values as (number | null)[], scale)).toBe(want));
});

describe('views', () => {
  const series = (n: number): Ring<MetricsSample> => {
    const ring = new Ring<MetricsSample>(300);
    const s = metricsSample(r1, r2, T);
    for (let i = 0; i < n; i++) ring.push({ ...s, cpu: { ...s.cpu!, used: i * 10 }, network: { rxRate: i * 1024, txRate: 0 } });
    return ring;
  };

  it('metrics: a header, then CPU, memory, rx, tx with graphs of the window, and load; every line fits the width', () => {
    const lines = metricsView(series(11), { interval: 1, width: 80, height: 24 });
    expect(lines).toHaveLength(6);
    expect(lines[0]).toBe('every 1 s, graphs over the last 11s (up to 5m 0s); Ctrl-C to stop');
    expect(lines[1]).toMatch(/^CPU {5}100\.0% \(sys 5\.0, io 0\.0, st 1\.7\) +▁▂▂▃▄▅▅▆▇▇█$/);
    expect(lines[2]).toMatch(/^Memory {2}1\.4 GiB of 23\.6 GiB \(6%\) +▁+$/);
    expect(lines[3]).toMatch(/^RX {6}10\.0 KiB\/s \(peak 10\.0 KiB\/s\) +▁▂▂▃▄▅▅▆▇▇█$/);
    expect(lines[4]).toMatch(/^TX {6}0 B\/s \(peak 0 B\/s\) +▁+$/);
    expect(lines[5]).toMatch(/^Load {4}[\d.]+ [\d.]+ [\d.]+, up 8m$/);
    for (const l of lines) expect([...l].length).toBeLessThanOrEqual(79);
  });

  it('before the first sample: what it waits for', () => {
    expect(metricsView(new Ring(10), { interval: 2.5, width: 80, height: 24 })).toEqual(['every 2.5 s, graphs over the last 0s (up to 25s); Ctrl-C to stop', 'first sample in 2.5 s']);
  });

  it('never taller than the terminal', () => {
    expect(metricsView(series(3), { interval: 1, width: 80, height: 4 })).toHaveLength(3);
  });

  it('rows for a pipe: one a sample under a header', () => {
    expect(METRICS_ROW_HEADER).toBe('TIME(UTC)   CPU%    MEM USED  MEM%          RX/s          TX/s  LOAD1');
    expect(metricsRow(metricsSample(r1, r2, T))).toMatch(/^10:00:00   100\.0     1\.4 GiB    6%    23\.3 MiB\/s    28\.1 KiB\/s  3\.96$/);
  });

  it('bandwidth: one line an interface, guest names escaped; what does not fit the height is counted', () => {
    const ring = new Ring<ReturnType<typeof bandwidthSample>>(60);
    const b = bandwidthSample(r1, r2, T);
    b.interfaces[1]!.name = 'evil\x1b[2J';
    ring.push(b);
    const lines = bandwidthView(ring, { interval: 1, width: 100, height: 24 });
    expect(lines.slice(1).map((l) => l.split(/\s+/)[0])).toEqual(['INTERFACE', 'lo', 'evil\\e[2J', 'ifb1', 'eth0']);
    expect(lines.join('\n')).not.toContain('\x1b');
    expect(lines[5]).toMatch(/^eth0 +23\.3 MiB\/s +█ +28\.1 KiB\/s +▁$/);
    for (const l of lines) expect([...l].length).toBeLessThanOrEqual(99);
    const short = bandwidthView(ring, { interval: 1, width: 100, height: 5 });
    expect(short).toHaveLength(4);
    expect(short[3]).toBe('… 3 more interfaces (a taller terminal shows them)');
    expect(bandwidthRows(b)[1]).toMatch(/^10:00:00 {3}evil\\e\[2J +0 B\/s +0 B\/s$/);
  });
});
