import { defineCommand, type CommandContext } from '../../src/shell/command.js';
import type { Output } from '../../src/shell/output.js';
import { bandwidthFrom, type Bandwidth } from '../../src/parsers/bandwidth-sample.js';
import { failIfError, guestScript } from '../../src/live/guest-run.js';
import { formatBytes, formatRate } from '../../src/util/format.js';
import { parseSeconds } from '../../src/util/option-values.js';
import { BANDWIDTH } from '../../src/live/scripts.js';
import { bandwidthSample } from '../../src/monitoring/sample.js';
import { BANDWIDTH_ROW_HEADER, bandwidthRows, bandwidthView } from '../../src/monitoring/view.js';
import { CliError } from '../../src/util/errors.js';
import { runWatch, watchSpec, WATCH_OPTIONS } from './_shared/watch.js';

async function oneShot(ctx: CommandContext, intervalText: string | undefined): Promise<Bandwidth> {
  const interval = parseSeconds(intervalText, 1, '--interval', 60);
  const r = await guestScript(ctx, BANDWIDTH, [String(interval)], (interval + 60) * 1000);
  failIfError(r, 'reading /proc/net/dev');
  return bandwidthFrom(r.stdout);
}

export const bandwidth = defineCommand({
  name: 'bandwidth',
  category: 'monitoring',
  summary: "Per-interface traffic of the guest: totals and rx/tx rates over an interval; --watch graphs them",
  description: [
    "Reads the guest's /proc/net/dev twice, INTERVAL seconds apart (default 1), and divides by the guest's own elapsed time.",
    'With --watch SECONDS: the rates every SECONDS, as graphs of the last minutes per interface redrawn on a terminal,',
    'rows in a pipe, one JSON line per sample with --json; until Ctrl-C (which ends it with status 0) or --count samples.',
  ].join('\n'),
  examples: ['bandwidth', 'bandwidth --interval 5', 'bandwidth -i 0.5', 'bandwidth --watch 1 --count 10'],
  options: {
    interval: { type: 'string', short: 'i', valueName: 'SECONDS', description: 'sampling interval (default 1, at most 60)' },
    ...WATCH_OPTIONS,
  },
  needs: ['live', 'exec'],
  async run(ctx, args) {
    const watch = watchSpec(args.optStr('watch'), args.optStr('count'));
    if (watch) {
      if (args.optStr('interval') !== undefined) throw new CliError('usage', '--interval and --watch both set the interval: give one');
      return runWatch(ctx, watch, { sample: bandwidthSample, view: bandwidthView, header: BANDWIDTH_ROW_HEADER, rows: bandwidthRows });
    }
    return oneShot(ctx, args.optStr('interval'));
  },
  render(b: Bandwidth, out: Output) {
    out.table(
      ['INTERFACE', 'RX TOTAL', 'TX TOTAL', 'RX RATE', 'TX RATE'],
      b.interfaces.map((i) => [i.name, formatBytes(i.rxBytes), formatBytes(i.txBytes), formatRate(i.rxRate), formatRate(i.txRate)]),
      { rightAlign: [1, 2, 3, 4] },
    );
    out.line(out.color.dim(`rates over ${b.interval.toFixed(1)} s`));
  },
});
