import { isDiskFilesystem, parseDf, type DfRow } from './df.js';
import { memorySummary, parseLoadavg, parseMeminfo, parseUptime, type LoadAvg, type MemorySummary } from './procfs.js';
import { sections } from '../live/scripts.js';
import { CliError } from '../util/errors.js';

// The output of the live METRICS script (src/live/scripts.ts) → uptime, load, memory, disks.

export interface Metrics {
  uptime: number;
  load: LoadAvg;
  cpus: number;
  memory: MemorySummary;
  processes: number;
  /** Disk filesystems (tmpfs and other memory/kernel filesystems left out). */
  filesystems: DfRow[];
}

export function metricsFrom(stdout: string): Metrics {
  const [uptime = '', loadavg = '', meminfo = '', df = '', procs = '', cpus = ''] = sections(stdout);
  return {
    uptime: parseUptime(uptime).uptime,
    load: parseLoadavg(loadavg),
    cpus: count(cpus, 'CPUs'),
    memory: memorySummary(parseMeminfo(meminfo)),
    processes: count(procs, 'processes'),
    filesystems: parseDf(df).filter(isDiskFilesystem),
  };
}

/** A count the script printed; anything else is a broken answer, never a default. */
function count(text: string, what: string): number {
  const t = text.trim();
  if (!/^\d+$/.test(t) || Number(t) === 0) throw new CliError('failed', `metrics: unexpected number of ${what} from the guest: '${t.slice(0, 40)}'`);
  return Number(t);
}
