// /etc/login.defs read the way shadow-utils' getdef.c reads it: `NAME value` lines, '#'
// comments, leading/trailing blanks ignored, the value may be in double quotes, the last
// definition of a name wins. Numbers are C integers (strtol base 0: 022 is octal, 0x1f hex).

export type LoginDefs = ReadonlyMap<string, string>;

export function parseLoginDefs(text: string | null): LoginDefs {
  const defs = new Map<string, string>();
  for (const rawLine of (text ?? '').split('\n')) {
    const line = rawLine.replace(/\s+$/, '');
    const start = line.replace(/^[ \t]+/, '');
    if (start === '' || start.startsWith('#')) continue;
    const m = /^([^ \t]+)[ \t]+(.*)$/.exec(start);
    if (!m) continue; // a name without a value
    const value = m[2]!.replace(/^[ \t"]+/, '');
    const quote = value.indexOf('"');
    defs.set(m[1]!, quote >= 0 ? value.slice(0, quote) : value);
  }
  return defs;
}

/** A C integer literal as strtol(…, 0) reads a whole string; null when it is not one. */
export function parseCNumber(text: string): number | null {
  const m = /^\s*([+-]?)(0[xX][0-9a-fA-F]+|0[0-7]*|[1-9][0-9]*)$/.exec(text);
  if (!m) return null;
  const body = m[2]!;
  const n = /^0[xX]/.test(body) ? parseInt(body.slice(2), 16) : body.startsWith('0') ? parseInt(body, 8) || 0 : parseInt(body, 10);
  return m[1] === '-' ? -n : n;
}

export function defString(defs: LoginDefs, name: string): string | undefined {
  return defs.get(name);
}

/** getdef_num/getdef_ulong: the default when missing or not a number. */
export function defNumber(defs: LoginDefs, name: string, dflt: number): number {
  const v = defs.get(name);
  if (v === undefined) return dflt;
  return parseCNumber(v) ?? dflt;
}

/** getdef_bool: true only for "yes" (any case). */
export function defBool(defs: LoginDefs, name: string): boolean {
  return (defs.get(name) ?? '').toLowerCase() === 'yes';
}

export interface IdRange {
  min: number;
  max: number;
}

/**
 * The automatic ID range, as shadow-utils' get_ranges() computes it: UID_MIN..UID_MAX
 * (1000..60000), and for system accounts SYS_UID_MIN..SYS_UID_MAX (101..UID_MIN-1).
 */
export function idRange(defs: LoginDefs, kind: 'uid' | 'gid', system: boolean): IdRange {
  const K = kind.toUpperCase();
  if (!system) return { min: defNumber(defs, `${K}_MIN`, 1000), max: defNumber(defs, `${K}_MAX`, 60000) };
  return { min: defNumber(defs, `SYS_${K}_MIN`, 101), max: defNumber(defs, `SYS_${K}_MAX`, defNumber(defs, `${K}_MIN`, 1000) - 1) };
}

/** Mode of a new home directory: HOME_MODE, else 0777 & ~UMASK (UMASK defaults to 022). */
export function homeMode(defs: LoginDefs): number {
  const umask = defNumber(defs, 'UMASK', 0o022);
  return defNumber(defs, 'HOME_MODE', 0o777 & ~umask) & 0o7777;
}
