import { defineCommand, type CommandContext } from '../../src/shell/command.js';
import type { Output } from '../../src/shell/output.js';
import { metricsFrom, type Metrics } from '../../src/parsers/metrics-sample.js';
import { failIfError, guestScript } from '../../src/live/guest-run.js';
import { formatBytes, formatDuration } from '../../src/util/format.js';
import { METRICS } from '../../src/live/scripts.js';
import { metricsSample } from '../../src/monitoring/sample.js';
import { METRICS_ROW_HEADER, metricsRow, metricsView } from '../../src/monitoring/view.js';
import { runWatch, watchSpec, WATCH_OPTIONS } from './_shared/watch.js';

const pct = (part: number, whole: number) => (whole > 0 ? `${Math.round((part / whole) * 100)}%` : '-');

async function oneShot(ctx: CommandContext): Promise<Metrics> {
  const r = await guestScript(ctx, METRICS);
  failIfError(r, 'metrics');
  return metricsFrom(r.stdout);
}

export const metrics = defineCommand({
  name: 'metrics',
  category: 'monitoring',
  summary: 'Uptime, load, memory, disk usage per filesystem and process count of the guest; --watch graphs CPU, memory and rx/tx',
  description: [
    "Read in one round trip from the guest's /proc and df. Memory used is total minus available, as free(1) counts it.",
    'With --watch SECONDS: CPU use (from /proc/stat), memory and rx/tx rates (all interfaces but lo) every SECONDS,',
    'as graphs of the last minutes redrawn on a terminal, rows in a pipe, one JSON line per sample with --json;',
    'until Ctrl-C (which ends it with status 0) or --count samples.',
  ].join('\n'),
  examples: ['metrics', 'metrics --watch 2 --count 5'],
  options: WATCH_OPTIONS,
  needs: ['live', 'exec'],
  async run(ctx, args) {
    const watch = watchSpec(args.optStr('watch'), args.optStr('count'));
    if (watch) return runWatch(ctx, watch, { sample: metricsSample, view: metricsView, header: METRICS_ROW_HEADER, rows: (s) => [metricsRow(s)] });
    return oneShot(ctx);
  },
  render(m: Metrics, out: Output) {
    const b = out.color.bold;
    out.line(`${b('Uptime     ')}  ${formatDuration(m.uptime)}`);
    out.line(`${b('Load       ')}  ${m.load.load1.toFixed(2)} ${m.load.load5.toFixed(2)} ${m.load.load15.toFixed(2)} (${m.cpus} CPU${m.cpus === 1 ? '' : 's'})`);
    const mem = m.memory;
    out.line(`${b('Memory     ')}  ${formatBytes(mem.used)} used of ${formatBytes(mem.total)} (${pct(mem.used, mem.total)}), ${formatBytes(mem.available)} available`);
    out.line(`${b('Swap       ')}  ${mem.swapTotal > 0 ? `${formatBytes(mem.swapUsed)} used of ${formatBytes(mem.swapTotal)} (${pct(mem.swapUsed, mem.swapTotal)})` : 'none'}`);
    out.line(`${b('Processes  ')}  ${m.processes}`);
    out.line(b('Disk usage'));
    out.table(
      ['FILESYSTEM', 'TYPE', 'SIZE', 'USED', 'AVAIL', 'USE%', 'MOUNTED ON'],
      m.filesystems.map((f) => [f.device, f.type, formatBytes(f.size), formatBytes(f.used), formatBytes(f.available), `${f.usePercent}%`, f.mountpoint]),
      { rightAlign: [2, 3, 4, 5] },
    );
  },
});
