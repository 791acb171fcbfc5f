// SELinux AVC records of an audit log (auditd's audit.log: kernel AVC and userspace USER_AVC
// lines among SYSCALL, PATH, PROCTITLE... records), and the summary selinux-audit prints:
// denials grouped by source type, target type, class and permission. Pure functions.

export interface AvcRecord {
  /** Seconds since the epoch, from msg=audit(SECONDS.MILLIS:SERIAL). */
  time: number;
  serial: number;
  decision: 'denied' | 'granted';
  permissions: string[];
  scontext: string;
  tcontext: string;
  tclass: string;
  comm: string | null;
  /** path= when the record has it, else name= (the last component only). */
  path: string | null;
  permissive: boolean | null;
  /** The log line itself, for audit2why/audit2allow. */
  line: string;
}

export interface AvcGroup {
  source: string;
  target: string;
  tclass: string;
  permission: string;
  count: number;
  first: number;
  last: number;
  comm: string | null;
  path: string | null;
}

const HEADER = /(?:^|\s)type=(?:USER_)?AVC msg=audit\((\d+)(?:\.(\d+))?:(\d+)\):/;
const DECISION = /avc:\s+(denied|granted)\s+\{([^}]*)\}\s+for\s+(.*)$/;
const FIELD = /([A-Za-z_]+)=("[^"]*"|'[^']*'|\S+)/g;

/** auditd writes a value with spaces or odd bytes unquoted in hex (comm=6D7920617070). */
function fieldValue(raw: string): string {
  if (/^["'].*["']$/.test(raw)) return raw.slice(1, -1);
  if (/^(?:[0-9A-F]{2})+$/.test(raw) && raw.length >= 2) return Buffer.from(raw, 'hex').toString('utf8');
  return raw;
}

function fields(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const m of text.matchAll(FIELD)) if (!out.has(m[1]!)) out.set(m[1]!, fieldValue(m[2]!));
  return out;
}

/** One AVC or USER_AVC line, or null for any other record (or a malformed one). */
export function parseAvcLine(line: string): AvcRecord | null {
  // RHEL 9's enriched format appends interpreted fields after a GS (0x1d) byte.
  const text = line.split('\x1d')[0]!;
  const h = HEADER.exec(text);
  if (!h) return null;
  const d = DECISION.exec(text.slice(h.index + h[0].length));
  if (!d) return null;
  const f = fields(d[3]!);
  const scontext = f.get('scontext');
  const tcontext = f.get('tcontext');
  const tclass = f.get('tclass');
  if (!scontext || !tcontext || !tclass) return null;
  const permissive = f.get('permissive');
  return {
    time: Number(h[1]) + (h[2] ? Number(`0.${h[2]}`) : 0),
    serial: Number(h[3]),
    decision: d[1] as 'denied' | 'granted',
    permissions: d[2]!.trim().split(/\s+/).filter((p) => p !== ''),
    scontext,
    tcontext,
    tclass,
    comm: f.get('comm') ?? f.get('exe') ?? null,
    path: f.get('path') ?? f.get('name') ?? null,
    permissive: permissive === undefined ? null : permissive === '1',
    line: text.trimEnd(),
  };
}

export function parseAvcLog(text: string): AvcRecord[] {
  const out: AvcRecord[] = [];
  for (const line of text.split('\n')) {
    const r = parseAvcLine(line);
    if (r) out.push(r);
  }
  return out;
}

/** The type field of a context (user:role:type[:level]); the whole text when it is not one. */
export function contextType(context: string): string {
  const parts = context.split(':');
  return parts.length >= 3 ? parts[2]! : context;
}

/** Denials grouped by (source type, target type, class, permission), most frequent first. */
export function groupDenials(records: AvcRecord[]): AvcGroup[] {
  const groups = new Map<string, AvcGroup>();
  for (const r of records) {
    if (r.decision !== 'denied') continue;
    const source = contextType(r.scontext);
    const target = contextType(r.tcontext);
    for (const permission of r.permissions) {
      const key = [source, target, r.tclass, permission].join('\0');
      const g = groups.get(key);
      if (!g) {
        groups.set(key, { source, target, tclass: r.tclass, permission, count: 1, first: r.time, last: r.time, comm: r.comm, path: r.path });
        continue;
      }
      g.count++;
      g.first = Math.min(g.first, r.time);
      g.last = Math.max(g.last, r.time);
      g.comm ??= r.comm;
      g.path ??= r.path;
    }
  }
  return [...groups.values()].sort(
    (a, b) => b.count - a.count || a.source.localeCompare(b.source) || a.target.localeCompare(b.target) || a.tclass.localeCompare(b.tclass) || a.permission.localeCompare(b.permission),
  );
}

/**
 * --since: an ISO date or date-time (2024-05-01, 2024-05-01T10:00:00Z; without a zone it is
 * UTC for a date and local time for a date-time, as Date.parse reads them), or a time back
 * from `now`: Nm, Nh, Nd. Null when the text is neither.
 */
export function parseSince(text: string, now: Date): Date | null {
  const rel = /^(\d+)([mhd])$/.exec(text.trim());
  if (rel) {
    const unit = { m: 60, h: 3600, d: 86400 }[rel[2] as 'm' | 'h' | 'd'];
    return new Date(now.getTime() - Number(rel[1]) * unit * 1000);
  }
  if (!/^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/.test(text.trim())) return null;
  const ms = Date.parse(text.trim().replace(' ', 'T'));
  return Number.isNaN(ms) ? null : new Date(ms);
}
