// Constant POSIX sh scripts the live commands run in the guest (`/bin/sh -c SCRIPT sh ARGS`):
// user input only ever arrives as positional parameters. Sections are separated by a line
// "@@" so one guest-exec round trip brings everything back.

export const SECTION = '@@';

/** What a live script prints on stderr, before exiting 3, when one of its steps failed. */
export const STEP_FAILED = 'guestctl-step-failed';

/**
 * Shared functions of the live scripts. `step NAME CMD...` runs CMD with its stdout passed
 * through and its stderr kept; when CMD fails the script stops with "STEP_FAILED NAME: CAUSE"
 * on stderr (exit 3). `procs NAME CMD...` is the same for commands reading /proc/PID files,
 * where a process that exited meanwhile is not an error: it tolerates failures whose every
 * error line names a /proc/PID that no longer exists or is a zombie (no fd, no maps).
 */
const STEP_LIB = `fail() { printf '${STEP_FAILED}\\t%s\\t%s\\n' "$1" "$2" >&2; exit 3; }
firstline() { printf '%s\\n' "$1" | sed -n '/./{p;q;}'; }
step() { n=$1; shift; { e=$("$@" 2>&1 >&3 3>&-); } 3>&1; r=$?
  [ $r -eq 0 ] || fail "$n" "$(firstline "\${e:-exit status $r}")"; }
gone() { printf '%s\\n' "$1" | while IFS= read -r l; do
    [ -n "$l" ] || continue
    p=\${l#*/proc/}; p=\${p%%/*}; p=\${p%%[!0-9]*}
    [ -n "$p" ] || exit 1
    [ -e "/proc/$p" ] || continue
    st=; read -r st <"/proc/$p/stat" || [ ! -e "/proc/$p" ] || exit 1
    case \${st##*) } in Z*|X*|'') ;; *) exit 1 ;; esac
  done; }
procs() { n=$1; shift; { e=$("$@" 2>&1 >&3 3>&-); } 3>&1; r=$?
  [ $r -eq 0 ] && return 0
  [ -n "$e" ] && gone "$e" || fail "$n" "$(firstline "\${e:-exit status $r}")"; }
[ -r /proc/$$/stat ] || fail /proc "/proc/$$/stat is not readable: /proc is not mounted or not readable"
`;

/**
 * $1 = seconds between the two samples. Prints: own pid, CLK_TCK ("100 assumed" without
 * getconf: Linux's USER_HZ is 100), then two samples of uptime + all
 * /proc/PID/stat, then meminfo, loadavg, owners.
 */
export const TOP = `${STEP_LIB}echo $$
if command -v getconf >/dev/null; then step 'getconf CLK_TCK' getconf CLK_TCK; else echo '100 assumed'; fi
echo @@; step /proc/uptime cat /proc/uptime
echo @@; procs /proc/PID/stat cat /proc/[0-9]*/stat
echo @@; step sleep sleep "$1"
step /proc/uptime cat /proc/uptime
echo @@; procs /proc/PID/stat cat /proc/[0-9]*/stat
echo @@; step /proc/meminfo cat /proc/meminfo
echo @@; step /proc/loadavg cat /proc/loadavg
echo @@; procs 'ls -ln /proc' ls -ln /proc`;

/**
 * uptime, loadavg, meminfo, df, number of processes, number of online CPUs (the cpuN lines
 * of /proc/stat). df without -T only where this df does not know the option (old busybox).
 */
export const METRICS = `${STEP_LIB}step /proc/uptime cat /proc/uptime
echo @@; step /proc/loadavg cat /proc/loadavg
echo @@; step /proc/meminfo cat /proc/meminfo
echo @@; { e=$(df -kPT 2>&1 >&3 3>&-); } 3>&1 || case $e in
  *option*|*OPTION*|*sage:*) step 'df -kP' df -kP ;;
  *) fail 'df -kPT' "$(firstline "\${e:-exit status not 0, no message}")" ;;
esac
echo @@; set -- /proc/[0-9]*; [ -e "$1" ] || fail /proc 'no process directories in /proc'; echo $#
echo @@; step 'CPUs in /proc/stat' grep -c '^cpu[0-9]' /proc/stat`;

/**
 * One reading of `metrics --watch` / `bandwidth --watch` (the host sleeps between readings):
 * uptime, the aggregate cpu line of /proc/stat, meminfo, loadavg, /proc/net/dev.
 */
export const WATCH_SAMPLE = `${STEP_LIB}step /proc/uptime cat /proc/uptime
echo @@; step /proc/stat grep '^cpu ' /proc/stat
echo @@; step /proc/meminfo cat /proc/meminfo
echo @@; step /proc/loadavg cat /proc/loadavg
echo @@; step /proc/net/dev cat /proc/net/dev`;

/** $1 = interval in seconds: uptime and /proc/net/dev, twice. */
export const BANDWIDTH = `cat /proc/uptime
echo @@; cat /proc/net/dev
echo @@; sleep "$1"
cat /proc/uptime
echo @@; cat /proc/net/dev`;

/**
 * Listening sockets without ss: the /proc/net tables, socket fds of every process, process
 * names. The IPv6 tables are missing when the guest's kernel has IPv6 off: "@@ tcp6 absent".
 * ls's complaints about fd directories come back in "@@ fd-errors": a process that exited
 * meanwhile owns no socket, one whose fds are unreadable (an LSM, another pid namespace)
 * leaves its sockets without an owner, which the command says.
 */
export const PROC_SOCKETS = `${STEP_LIB}for f in tcp udp; do echo "@@ $f"; step /proc/net/$f cat /proc/net/$f; done
for f in tcp6 udp6; do
  if [ -e /proc/net/$f ] || [ -e /proc/net/if_inet6 ]; then echo "@@ $f"; step /proc/net/$f cat /proc/net/$f; else echo "@@ $f absent"; fi
done
echo "@@ fd"; { e=$(ls -l /proc/[0-9]*/fd 2>&1 >&3 3>&-); } 3>&1
echo "@@ fd-errors"; printf '%s\\n' "$e"
echo "@@ stat"; procs /proc/PID/stat cat /proc/[0-9]*/stat`;

/** The failed step a live script reported on stderr, as "STEP: CAUSE", or null. */
export function failedStep(stderr: string): string | null {
  const line = stderr.split('\n').find((l) => l.startsWith(`${STEP_FAILED}\t`));
  if (!line) return null;
  const [, step = '?', cause = ''] = line.split('\t');
  return `${step}: ${cause.trim() || 'failed'}`;
}

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
