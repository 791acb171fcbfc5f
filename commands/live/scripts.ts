// Constant POSIX sh scripts the live commands run in the guest (`/bin/sh -c SCRIPT sh ARGS`):
// user input only ever arrives as positional parameters. Sections are separated by a line
// "@@" so one guest-exec round trip brings everything back.

export const SECTION = '@@';

/** $1 = seconds between the two samples. Prints: own pid, CLK_TCK, then two samples of uptime + all /proc/PID/stat, then meminfo, loadavg, owners. */
export const TOP = `echo $$
getconf CLK_TCK 2>/dev/null || echo 100
echo @@; cat /proc/uptime
echo @@; cat /proc/[0-9]*/stat 2>/dev/null
echo @@; sleep "$1"
cat /proc/uptime
echo @@; cat /proc/[0-9]*/stat 2>/dev/null
echo @@; cat /proc/meminfo
echo @@; cat /proc/loadavg
echo @@; ls -ln /proc 2>/dev/null
exit 0`;

/** uptime, loadavg, meminfo, df, number of processes, number of CPUs. */
export const METRICS = `cat /proc/uptime
echo @@; cat /proc/loadavg
echo @@; cat /proc/meminfo
echo @@; df -kPT 2>/dev/null || df -kP 2>/dev/null
echo @@; set -- /proc/[0-9]*; echo $#
echo @@; grep -c '^processor' /proc/cpuinfo 2>/dev/null || echo 1
exit 0`;

/** $1 = interval in seconds: uptime and /proc/net/dev, twice. */
export const BANDWIDTH = `cat /proc/uptime
echo @@; cat /proc/net/dev
echo @@; sleep "$1"
cat /proc/uptime
echo @@; cat /proc/net/dev`;

/** Listening sockets without ss: the /proc/net tables, socket fds of every process, process names. */
export const PROC_SOCKETS = `for f in tcp tcp6 udp udp6; do echo "@@ $f"; cat /proc/net/$f 2>/dev/null; done
echo "@@ fd"; ls -l /proc/[0-9]*/fd 2>/dev/null
echo "@@ stat"; cat /proc/[0-9]*/stat 2>/dev/null
exit 0`;

/** Split a script's output at its "@@" lines. */
export function sections(text: string): string[] {
  return text.split(/^@@[^\n]*\n?/m);
}

/** Sections with their names ("@@ tcp"). */
export function namedSections(text: string): Map<string, string> {
  const out = new Map<string, string>();
  const re = /^@@ ?([^\n]*)\n?/gm;
  const marks = [...text.matchAll(re)];
  marks.forEach((m, i) => {
    const from = m.index! + m[0].length;
    const to = i + 1 < marks.length ? marks[i + 1]!.index! : text.length;
    out.set(m[1]!.trim(), text.slice(from, to));
  });
  return out;
}
