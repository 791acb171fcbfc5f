import { memorySummary, parseLoadavg, parseMeminfo, parseProcOwners, parseProcStats, parseUptime, type LoadAvg, type MemorySummary } from './procfs.js';
import { sections } from '../live/scripts.js';
import { CliError } from '../util/errors.js';

// The output of the live TOP script (src/live/scripts.ts) → a top(1)-like snapshot.

export interface TopProcess {
  pid: number;
  user: string;
  name: string;
  state: string;
  /** Percent of one CPU over the sampling interval. */
  cpu: number;
  rss: number;
  threads: number;
}

export interface TopSnapshot {
  uptime: number;
  interval: number;
  load: LoadAvg;
  memory: MemorySummary;
  tasks: number;
  processes: TopProcess[];
}

const PAGE = 4096;

/**
 * Two samples of every /proc/PID/stat, INTERVAL seconds apart (one guest round trip):
 * CPU use is the difference in ticks over the guest's own elapsed uptime. guestctl's own
 * sampling processes are left out.
 */
export function snapshotFrom(stdout: string, userOf: (uid: number) => string): TopSnapshot {
  const [head = '', up1 = '', stats1 = '', up2 = '', stats2 = '', meminfo = '', loadavg = '', owners = ''] = sections(stdout);
  const [selfText, tckText] = head.trim().split('\n');
  const self = Number(selfText);
  const hz = Number(tckText?.replace(/ assumed$/, ''));
  if (!(hz > 0)) throw new CliError('failed', `top: unexpected clock ticks per second from the guest: '${tckText ?? ''}'`);
  const t1 = parseUptime(up1).uptime;
  const t2 = parseUptime(up2).uptime;
  const elapsed = Math.max(t2 - t1, 0.01);
  const before = new Map(parseProcStats(stats1).map((p) => [p.pid, p]));
  const after = parseProcStats(stats2);
  // guestctl's exec wrapper (a shell) is the sampler's parent; never qemu-ga itself.
  const parent = after.find((p) => p.pid === (after.find((q) => q.pid === self)?.ppid ?? -1));
  const wrapper = parent && /^(sh|dash|bash|ash|busybox)$/.test(parent.comm) ? parent.pid : -1;
  const uids = parseProcOwners(owners);
  const mine = (p: { pid: number; ppid: number }) => p.pid === self || p.ppid === self || p.pid === wrapper;
  const processes = after
    .filter((p) => !mine(p))
    .map((p) => {
      const prev = before.get(p.pid);
      const ticks = prev && prev.starttime === p.starttime ? p.ticks - prev.ticks : p.ticks;
      const uid = uids.get(p.pid);
      return {
        pid: p.pid,
        user: uid === undefined ? '?' : userOf(uid),
        name: p.comm,
        state: p.state,
        cpu: Math.max(0, (ticks / hz / elapsed) * 100),
        rss: p.rssPages * PAGE,
        threads: p.threads,
      };
    })
    .sort((a, b) => b.cpu - a.cpu || b.rss - a.rss || a.pid - b.pid);
  return {
    uptime: t2,
    interval: elapsed,
    load: parseLoadavg(loadavg),
    memory: memorySummary(parseMeminfo(meminfo)),
    tasks: processes.length,
    processes,
  };
}
