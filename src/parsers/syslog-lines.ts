// Classic syslog files (/var/log/syslog, /var/log/messages): the lines of one program.
//   Dec  4 18:13:11 host sshd[307]: message               (traditional)
//   2024-05-01T10:00:00.123456+00:00 host sshd[307]: message   (rsyslog's RFC 3339 format)

const LINE = /^(?:\d{4}-\d\d-\d\dT\S+|[A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d) \S+ ([^\s[:]+)(?:\[\d+\])?:/;

/** The identifier (program name) of a syslog line, or null when the line has another shape. */
export function syslogIdentifier(line: string): string | null {
  return LINE.exec(line)?.[1] ?? null;
}

/**
 * Whether a line is about `unit` (every line when null): logged by a program of the unit's
 * name ("cron" for cron.service), or naming the unit ("Started cron.service").
 */
export function syslogFilter(unit: string | null): (line: string) => boolean {
  if (unit === null) return () => true;
  const full = unit.includes('.') ? unit : `${unit}.service`;
  const base = full.replace(/\.[a-z]+$/, '');
  return (l) => syslogIdentifier(l) === base || l.includes(full);
}

/** The last `n` lines about `unit` (all lines when null). */
export function syslogTail(text: string, unit: string | null, n: number): string[] {
  return text.split('\n').filter((l) => l.length > 0).filter(syslogFilter(unit)).slice(-n);
}
