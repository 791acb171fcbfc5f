import { defineCommand } from '../../src/shell/command.js';
import type { Output } from '../../src/shell/output.js';
import { parseNetDev, parseUptime } from '../../src/parsers/procfs.js';
import { failIfError, guestScript } from '../../src/live/guest-run.js';
import { formatBytes, formatRate } from '../../src/util/format.js';
import { parseSeconds } from '../../src/util/option-values.js';
import { BANDWIDTH, sections } from '../../src/live/scripts.js';

export interface InterfaceRate {
  name: string;
  rxBytes: number;
  txBytes: number;
  /** Bytes per second over the interval. */
  rxRate: number;
  txRate: number;
  rxPackets: number;
  txPackets: number;
}

export interface Bandwidth {
  interval: number;
  interfaces: InterfaceRate[];
}

/** Two /proc/net/dev samples and the guest's uptime around them → per-interface totals and rates. */
export function bandwidthFrom(stdout: string): Bandwidth {
  const [up1 = '', dev1 = '', up2 = '', dev2 = ''] = sections(stdout);
  const elapsed = Math.max(parseUptime(up2).uptime - parseUptime(up1).uptime, 0.01);
  const before = new Map(parseNetDev(dev1).map((d) => [d.name, d]));
  // A counter that went backwards (interface re-created, 32-bit wrap) counts as no traffic.
  const delta = (a: number, b: number | undefined) => (b === undefined || a < b ? 0 : a - b);
  return {
    interval: elapsed,
    interfaces: parseNetDev(dev2).map((d) => {
      const p = before.get(d.name);
      return {
        name: d.name,
        rxBytes: d.rxBytes,
        txBytes: d.txBytes,
        rxRate: delta(d.rxBytes, p?.rxBytes) / elapsed,
        txRate: delta(d.txBytes, p?.txBytes) / elapsed,
        rxPackets: d.rxPackets,
        txPackets: d.txPackets,
      };
    }),
  };
}

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
