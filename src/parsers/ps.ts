// procps `ps` output in the one format the live `ps` command asks for. Every column before
// the command line is a single word; the command line is the rest (spaces kept).

/** The argv the guest runs (procps ps; -ww: never truncate the command line). */
export const PS_ARGV = ['ps', '-eww', '-o', 'pid=,ppid=,user:32=,pcpu=,pmem=,rss=,etimes=,stat=,args='];

export interface PsRow {
  pid: number;
  ppid: number;
  user: string;
  /** CPU use averaged over the process lifetime (ps semantics), percent of one CPU. */
  cpu: number;
  mem: number;
  /** Resident memory in bytes. */
  rss: number;
  /** Seconds since the process started. */
  elapsed: number;
  stat: string;
  /** Short name: the kernel thread name or the program's base name. */
  name: string;
  command: string;
}

const ROW = /^\s*(\d+)\s+(\d+)\s+(\S+)\s+([\d.]+)\s+([\d.]+)\s+(\d+)\s+(\d+)\s+(\S+)\s(.*)$/;

export function parsePs(text: string): PsRow[] {
  const rows: PsRow[] = [];
  for (const line of text.split('\n')) {
    const m = ROW.exec(line);
    if (!m) continue;
    const command = m[9]!.trim();
    rows.push({
      pid: Number(m[1]),
      ppid: Number(m[2]),
      user: m[3]!,
      cpu: Number(m[4]),
      mem: Number(m[5]),
      rss: Number(m[6]) * 1024,
      elapsed: Number(m[7]),
      stat: m[8]!,
      name: processName(command),
      command,
    });
  }
  return rows;
}

/** `[kworker/0:1-events]` → `kworker/0:1-events`; `sshd: /usr/sbin/sshd -D` → `sshd`; `/usr/bin/python3 x` → `python3`. */
export function processName(command: string): string {
  const kthread = /^\[(.*)\]$/.exec(command);
  if (kthread) return kthread[1]!;
  const first = command.split(/\s+/)[0] ?? '';
  return first.replace(/:$/, '').split('/').pop() || first;
}

/**
 * Rows a FILTER selects: a number is a PID; otherwise a case-insensitive substring of the
 * name or command line, or the exact user name.
 */
export function filterPs(rows: PsRow[], filter: string | undefined): PsRow[] {
  if (!filter) return rows;
  if (/^\d+$/.test(filter)) return rows.filter((r) => r.pid === Number(filter));
  const f = filter.toLowerCase();
  return rows.filter((r) => r.user === filter || r.name.toLowerCase().includes(f) || r.command.toLowerCase().includes(f));
}

/** Drop the `ps` that produced the listing and the guest-side wrapper shell that started it. */
export function withoutSelf(rows: PsRow[], argv: string[] = PS_ARGV): PsRow[] {
  const self = argv.join(' ');
  const mine = new Set<number>();
  for (const r of rows) {
    if (r.command !== self) continue;
    mine.add(r.pid);
    const parent = rows.find((p) => p.pid === r.ppid);
    if (parent && /^(\/bin\/)?sh -c /.test(parent.command) && parent.command.endsWith(self)) mine.add(parent.pid);
  }
  return rows.filter((r) => !mine.has(r.pid));
}
