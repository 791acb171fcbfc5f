// journalctl -o json output, one entry per line.

export interface LogEntry {
  time: string | null;
  unit: string | null;
  identifier: string | null;
  pid: number | null;
  priority: number | null;
  message: string;
}

/** journalctl -o json: one object per line; MESSAGE may be an array of bytes (binary). */
export function parseJournalJson(text: string): LogEntry[] {
  const out: LogEntry[] = [];
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    let e: Record<string, unknown>;
    try {
      e = JSON.parse(line) as Record<string, unknown>;
    } catch {
      continue;
    }
    const str = (v: unknown) => (typeof v === 'string' ? v : Array.isArray(v) ? Buffer.from(v as number[]).toString('utf8') : null);
    const us = str(e.__REALTIME_TIMESTAMP);
    out.push({
      time: us && /^\d+$/.test(us) ? new Date(Number(BigInt(us) / 1000n)).toISOString() : null,
      // systemd's own lines about a unit carry UNIT=; the unit's processes _SYSTEMD_UNIT=.
      unit: str(e.UNIT) ?? str(e.USER_UNIT) ?? str(e._SYSTEMD_UNIT),
      identifier: str(e.SYSLOG_IDENTIFIER),
      pid: str(e._PID) ? Number(str(e._PID)) : null,
      priority: str(e.PRIORITY) ? Number(str(e.PRIORITY)) : null,
      message: str(e.MESSAGE) ?? '',
    });
  }
  return out;
}
