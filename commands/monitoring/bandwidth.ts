import { defineCommand } from '../../src/shell/command.js';
import type { Output } from '../../src/shell/output.js';
import { bandwidthFrom, type Bandwidth } from '../../src/parsers/bandwidth-sample.js';
import { failIfError, guestScript } from '../../src/live/guest-run.js';
import { formatBytes, formatRate } from '../../src/util/format.js';
import { parseSeconds } from '../../src/util/option-values.js';
import { BANDWIDTH } from '../../src/live/scripts.js';

export const bandwidth = defineCommand({
  name: 'bandwidth',
  category: 'monitoring',
  summary: "Per-interface traffic of the guest: totals and rx/tx rates over an interval",
  description: "Reads the guest's /proc/net/dev twice, INTERVAL seconds apart (default 1), and divides by the guest's own elapsed time.",
  examples: ['bandwidth', 'bandwidth --interval 5', 'bandwidth -i 0.5'],
  options: {
    interval: { type: 'string', short: 'i', valueName: 'SECONDS', description: 'sampling interval (default 1, at most 60)' },
  },
  needs: ['live', 'exec'],
  async run(ctx, args): Promise<Bandwidth> {
    const interval = parseSeconds(args.optStr('interval'), 1, '--interval', 60);
    const r = await guestScript(ctx, BANDWIDTH, [String(interval)], (interval + 60) * 1000);
    failIfError(r, 'reading /proc/net/dev');
    return bandwidthFrom(r.stdout);
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
