import { parseSysctlFile } from './sysctl.js';

// Which sysctl.d files a boot reads and in which order, and the settings that result. Pure.
//
// systemd-sysctl: every *.conf in /etc/sysctl.d, /run/sysctl.d, /usr/local/lib/sysctl.d,
// /usr/lib/sysctl.d (and /lib/sysctl.d on a system without merged /usr). A file name present in
// several directories is taken from the first of that list (/etc masks /run masks /usr/lib); one
// that is a symlink to /dev/null (or empty) sets nothing. The chosen files are read in the order
// of their names, whatever their directory, and the last assignment of a key wins.
// /etc/sysctl.conf is not read by systemd-sysctl itself; Debian and Fedora link it in as
// /etc/sysctl.d/99-sysctl.conf. procps `sysctl --system` (used at boot without systemd) reads
// the same directories the same way and then /etc/sysctl.conf last.

export const SYSCTL_DIRS = ['/etc/sysctl.d', '/run/sysctl.d', '/usr/local/lib/sysctl.d', '/usr/lib/sysctl.d', '/lib/sysctl.d'] as const;

export interface SysctlDirListing {
  dir: string;
  /** Names of the entries in the directory (anything not ending in .conf is skipped). */
  names: string[];
}

export interface SysctlFileRef {
  name: string;
  path: string;
}

/** The files read, in order: one per name (the first directory wins), sorted by name. */
export function sysctlFileOrder(listings: SysctlDirListing[]): SysctlFileRef[] {
  const chosen = new Map<string, string>();
  for (const l of listings) {
    for (const name of l.names) {
      if (!name.endsWith('.conf') || chosen.has(name)) continue;
      chosen.set(name, `${l.dir}/${name}`);
    }
  }
  return [...chosen.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([name, path]) => ({ name, path }));
}

export interface SysctlSource {
  /** The path the setting is read from, as listed (the link, for a file reached through one). */
  path: string;
  text: string;
}

export interface SysctlSetting {
  key: string;
  /** null: the key is excluded from globs (`-key`). */
  value: string | null;
  file: string;
  line: number;
  ignoreErrors: boolean;
  glob: boolean;
  /** Earlier assignments of the same key that this one overrides, first first. */
  overrides: { file: string; line: number; value: string | null }[];
}

/** Merge the files in boot order: the last assignment of each key wins. Keys keep the order they first appear in. */
export function mergeSysctl(sources: SysctlSource[]): SysctlSetting[] {
  const settings = new Map<string, SysctlSetting>();
  for (const s of sources) {
    for (const l of parseSysctlFile(s.text)) {
      const before = settings.get(l.key);
      const overrides = before ? [...before.overrides, { file: before.file, line: before.line, value: before.value }] : [];
      settings.set(l.key, { key: l.key, value: l.value, file: s.path, line: l.line, ignoreErrors: l.ignoreErrors, glob: l.glob, overrides });
    }
  }
  return [...settings.values()];
}

/** Assignments of `key` (not exclusions) in the sources `isLater` picks: those would beat a drop-in read before them. */
export function laterAssignments(sources: SysctlSource[], isLater: (path: string) => boolean, key: string): { file: string; line: number; value: string }[] {
  return sources
    .filter((s) => isLater(s.path))
    .flatMap((s) => parseSysctlFile(s.text).flatMap((l) => (l.key === key && l.value !== null ? [{ file: s.path, line: l.line, value: l.value }] : [])));
}
