import { parseNetDev, parseUptime } from './procfs.js';
import { sections } from '../live/scripts.js';

// The output of the live BANDWIDTH script (src/live/scripts.ts) → per-interface rates.

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
