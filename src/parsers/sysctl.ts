// sysctl.d(5) files: one assignment per line. Pure: text in, data out.
//
//   key.name = value        key/name = value (the same key)
//   -key.name = value       a failure to set it is ignored
//   key.pattern.*.x = v     a glob: every matching key that has no explicit assignment
//   -key.excluded           (no '=') keeps a key out of every glob
//   # comment, ; comment    blank lines too
//
// Keys are kept in sysctl(8)'s dotted form. When the first separator of a key is a slash, the
// remaining slashes and dots stay as written (a dot is then part of a name, e.g. a VLAN
// interface enp3s0.200); when it is a dot, dots and slashes swap. So "net/ipv4/conf/eth0.200/rp_filter"
// and "net.ipv4.conf.eth0/200.rp_filter" are the same key, written the second way here.

export interface SysctlLine {
  /** 1-based line number. */
  line: number;
  /** The key in dotted form. */
  key: string;
  /** null for an exclusion (`-key` without '='). */
  value: string | null;
  /** Written with a leading '-': errors setting it are ignored. */
  ignoreErrors: boolean;
  glob: boolean;
}

/** The dotted (sysctl -n) form of a key written with either separator. */
export function normalizeSysctlKey(raw: string): string {
  const key = raw.trim();
  const slash = key.indexOf('/');
  const dot = key.indexOf('.');
  const slashFirst = slash >= 0 && (dot < 0 || slash < dot);
  if (!slashFirst) return key;
  return key.replace(/[./]/g, (c) => (c === '/' ? '.' : '/'));
}

/** The file under /proc/sys that a dotted key names. */
export function sysctlProcPath(key: string): string {
  return `/proc/sys/${key.replace(/[./]/g, (c) => (c === '.' ? '/' : '.'))}`;
}

export function isSysctlGlob(key: string): boolean {
  return /[*?[]/.test(key);
}

/** A line's assignment, or null for a comment, a blank line or a line that is not an assignment. */
export function parseSysctlLine(text: string, line: number): SysctlLine | null {
  let t = text.trim();
  if (t === '' || t.startsWith('#') || t.startsWith(';')) return null;
  const ignoreErrors = t.startsWith('-');
  if (ignoreErrors) t = t.slice(1).trimStart();
  const eq = t.indexOf('=');
  if (eq < 0) {
    // Only "-key" is meaningful without '='; systemd-sysctl skips any other such line.
    if (!ignoreErrors || t === '') return null;
    const key = normalizeSysctlKey(t);
    return { line, key, value: null, ignoreErrors, glob: isSysctlGlob(key) };
  }
  const key = normalizeSysctlKey(t.slice(0, eq));
  if (key === '') return null;
  return { line, key, value: t.slice(eq + 1).trim(), ignoreErrors, glob: isSysctlGlob(key) };
}

export function parseSysctlFile(text: string): SysctlLine[] {
  const out: SysctlLine[] = [];
  text.split('\n').forEach((l, i) => {
    const p = parseSysctlLine(l, i + 1);
    if (p) out.push(p);
  });
  return out;
}
