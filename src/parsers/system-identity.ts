// Validation and parsing for a guest's identity settings: host name, time zone, locale, SELinux
// mode. Pure functions, no I/O.

/** Why `name` is not a valid RFC 1123 host name, or null when it is. */
export function hostnameProblem(name: string): string | null {
  if (name === '') return 'the name is empty';
  if (name.length > 253) return `the name is ${name.length} characters long (at most 253)`;
  if (name.endsWith('.')) return 'the name ends with a dot (give it without the trailing dot)';
  const labels = name.split('.');
  for (const label of labels) {
    if (label === '') return 'the name has an empty label (two dots in a row or a leading dot)';
    if (label.length > 63) return `the label '${label.slice(0, 20)}…' is ${label.length} characters long (at most 63)`;
    if (!/^[A-Za-z0-9-]+$/.test(label)) return `the label '${label}' has characters other than letters, digits and '-'`;
    if (label.startsWith('-') || label.endsWith('-')) return `the label '${label}' starts or ends with '-'`;
  }
  // RFC 1123 2.1: a host name never has the dotted-decimal form (the top label is alphabetic).
  if (/^[0-9.]+$/.test(name)) return 'the name is all digits (it would read as an address)';
  return null;
}

/** The host name in an /etc/hostname-style file: the first line that is not blank or a comment. */
export function parseHostnameFile(text: string): string | null {
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line && !line.startsWith('#')) return line;
  }
  return null;
}

/** Why `zone` cannot be a time zone name (a path under /usr/share/zoneinfo), or null. */
export function zoneProblem(zone: string): string | null {
  if (zone === '') return 'the zone name is empty';
  if (zone.startsWith('/')) return 'give the zone name (e.g. Europe/Berlin), not a path';
  const parts = zone.split('/');
  if (parts.some((p) => p === '..' || p === '.' || p === '')) return "the zone name cannot contain '..', '.' or empty components";
  if (!parts.every((p) => /^[A-Za-z0-9_+-][A-Za-z0-9_.+-]*$/.test(p))) return 'the zone name has characters no zone name has';
  if (zone === 'localtime' || zone.endsWith('/localtime')) return "'localtime' is not a zone (it points back at /etc/localtime)";
  return null;
}

/** A time zone file starts with the TZif magic (tzfile(5)). */
export function isTzif(data: Buffer): boolean {
  return data.length >= 44 && data.subarray(0, 4).toString('latin1') === 'TZif';
}

/** The zone name in an /etc/localtime symlink target (absolute or relative), or null. */
export function zoneFromLink(target: string): string | null {
  const m = /(?:^|\/)zoneinfo\/(.+)$/.exec(target);
  if (!m) return null;
  const zone = m[1]!.replace(/^(posix|right)\//, '');
  return zoneProblem(zone) === null ? zone : null;
}

/** The /etc/localtime symlink target a distro's own tools write for `zone`. */
export function localtimeTarget(zone: string, style: 'absolute' | 'relative'): string {
  return style === 'absolute' ? `/usr/share/zoneinfo/${zone}` : `../usr/share/zoneinfo/${zone}`;
}

const ALWAYS_AVAILABLE = new Set(['C', 'POSIX', 'C.utf8']);

/** Why `name` is not a locale name (language[_TERRITORY][.codeset][@modifier], C, POSIX, C.UTF-8), or null. */
export function localeProblem(name: string): string | null {
  if (name === 'C' || name === 'POSIX') return null;
  if (/^C\.[A-Za-z0-9-]+$/.test(name)) return /^C\.utf-?8$/i.test(name) ? null : `the only C locale with a codeset is C.UTF-8`;
  if (!/^[a-z]{2,3}(_[A-Z]{2}|_[0-9]{3})?(\.[A-Za-z0-9][A-Za-z0-9_-]*)?(@[A-Za-z0-9]+)?$/.test(name)) {
    return 'expected language[_TERRITORY][.CODESET][@MODIFIER], e.g. de_DE.UTF-8, or C.UTF-8';
  }
  return null;
}

/** glibc's codeset normalization (_nl_normalize_codeset): UTF-8 → utf8, 8859-1 → iso88591. */
export function normalizeCodeset(codeset: string): string {
  const alnum = codeset.toLowerCase().replace(/[^a-z0-9]/g, '');
  return /^[0-9]+$/.test(alnum) ? `iso${alnum}` : alnum;
}

/** A locale name as `locale -a` lists it: the codeset normalized. */
export function normalizeLocale(name: string): string {
  const m = /^([^.@]+)(?:\.([^@]+))?(@.*)?$/.exec(name);
  if (!m) return name;
  return `${m[1]}${m[2] !== undefined ? `.${normalizeCodeset(m[2])}` : ''}${m[3] ?? ''}`;
}

/** Whether `name` is one of the compiled locales (`locale -a` / `localedef --list-archive` output). */
export function localeAvailable(name: string, compiled: string[]): boolean {
  const want = normalizeLocale(name);
  if (ALWAYS_AVAILABLE.has(want)) return true;
  return compiled.some((l) => normalizeLocale(l.trim()) === want);
}

/** The locales enabled (not commented out) in a Debian /etc/locale.gen: `de_DE.UTF-8 UTF-8`. */
export function localeGenEnabled(text: string): string[] {
  return text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'))
    .map((l) => l.split(/\s+/)[0]!);
}

export type SelinuxMode = 'enforcing' | 'permissive' | 'disabled';
export const SELINUX_MODES: readonly SelinuxMode[] = ['enforcing', 'permissive', 'disabled'];

/** SELINUX= as libselinux reads it (case-insensitive), or null when it is none of the three. */
export function parseSelinuxMode(value: string | undefined): SelinuxMode | null {
  const v = value?.trim().toLowerCase();
  return (SELINUX_MODES as readonly string[]).includes(v ?? '') ? (v as SelinuxMode) : null;
}
