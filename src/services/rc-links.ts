import type { UnitLinkChange } from '../parsers/systemctl.js';

// Services of guests without systemd, read from their rc links (pure: directory listings in,
// rows out). sysvinit: /etc/init.d scripts, started in runlevel N when /etc/rcN.d (RHEL:
// /etc/rc.d/rcN.d) has an S link to them. OpenRC: /etc/init.d scripts, started when
// /etc/runlevels/LEVEL has a link named after them.

/** One entry of an rc directory: its name, and the symlink's target ('' for a plain file). */
export interface RcEntry {
  name: string;
  target: string;
}

/** One runlevel directory: its runlevel ('2', 'S', 'default', ...) and entries. */
export interface RcDir {
  runlevel: string;
  entries: RcEntry[];
}

/** A service in the shape of `services`' systemd rows, plus the runlevels that start it. */
export interface RcServiceRow {
  unit: string;
  state: 'enabled' | 'disabled';
  preset: null;
  runlevels: string[];
}

/** The OpenRC runlevels a booting system goes through. */
export const OPENRC_BOOT_LEVELS = ['sysinit', 'boot', 'default'];

/** Debian's rcS.d plus the multi-user runlevels, when /etc/inittab names no default. */
const SYSV_DEFAULT_LEVELS = ['S', '2', '3', '4', '5'];

/** The runlevel of /etc/inittab's `id:N:initdefault:` line, or null. */
export function inittabDefault(inittab: string): string | null {
  for (const line of inittab.split('\n')) {
    const m = /^[^#:]*:([0-6Ss]):initdefault:/.exec(line.trim());
    if (m) return m[1]!.toUpperCase();
  }
  return null;
}

/** The sysvinit runlevels that run at boot: rcS.d and the default runlevel (2-5 when unknown). */
export function sysvBootLevels(initdefault: string | null): string[] {
  return initdefault ? ['S', initdefault] : SYSV_DEFAULT_LEVELS;
}

/** The script a sysv rc entry starts (`S01ssh -> ../init.d/ssh` starts ssh), or null for a K link or another file. */
function sysvStarted(entry: RcEntry): string | null {
  const m = /^S\d\d(.+)$/.exec(entry.name);
  if (!m) return null;
  return entry.target === '' ? m[1]! : entry.target.replace(/\/+$/, '').split('/').at(-1)!;
}

function rows(scripts: string[], started: Map<string, Set<string>>, bootLevels: string[], order: string[]): RcServiceRow[] {
  return [...scripts].sort().map((unit) => {
    const levels = started.get(unit) ?? new Set<string>();
    const runlevels = order.filter((l) => levels.has(l));
    return { unit, state: runlevels.some((l) => bootLevels.includes(l)) ? 'enabled' : 'disabled', preset: null, runlevels };
  });
}

function addTo(map: Map<string, Set<string>>, name: string, level: string): void {
  map.set(name, (map.get(name) ?? new Set()).add(level));
}

/** sysvinit: every init script, enabled when an S link in a boot runlevel starts it. */
export function sysvServices(scripts: string[], dirs: RcDir[], bootLevels: string[]): RcServiceRow[] {
  const started = new Map<string, Set<string>>();
  for (const d of dirs) for (const e of d.entries) {
    const name = sysvStarted(e);
    if (name !== null) addTo(started, name, d.runlevel);
  }
  return rows(scripts, started, bootLevels, dirs.map((d) => d.runlevel));
}

/** OpenRC: every init script, enabled when the sysinit, boot or default runlevel has it. */
export function openrcServices(scripts: string[], dirs: RcDir[]): RcServiceRow[] {
  const started = new Map<string, Set<string>>();
  for (const d of dirs) for (const e of d.entries) addTo(started, e.name, d.runlevel);
  const order = [...OPENRC_BOOT_LEVELS, ...dirs.map((d) => d.runlevel).filter((l) => !OPENRC_BOOT_LEVELS.includes(l)).sort()];
  return rows(scripts, started, OPENRC_BOOT_LEVELS, order);
}

/** Every link of the rc directories as `DIR/NAME` → target, to tell what a tool changed. */
export function rcLinkMap(base: string, dirs: RcDir[], dirName: (runlevel: string) => string): Map<string, string> {
  const map = new Map<string, string>();
  for (const d of dirs) for (const e of d.entries) map.set(`${base}/${dirName(d.runlevel)}/${e.name}`, e.target);
  return map;
}

/** The links created and removed between two rc link maps (a renamed S→K link is one of each). */
export function rcLinkChanges(before: Map<string, string>, after: Map<string, string>): UnitLinkChange[] {
  const changes: UnitLinkChange[] = [];
  for (const [link, target] of before) if (after.get(link) !== target) changes.push({ action: 'removed', link, target: null });
  for (const [link, target] of after) if (before.get(link) !== target) changes.push({ action: 'created', link, target });
  return changes;
}
