// systemctl output parsed for the service commands (offline and live).

export interface UnitRow {
  unit: string;
  load: string;
  active: string;
  sub: string;
  description: string;
}

/** `systemctl list-units --no-legend --plain --full` (also `--failed`): UNIT LOAD ACTIVE SUB DESCRIPTION. */
export function parseUnitList(text: string): UnitRow[] {
  const rows: UnitRow[] = [];
  for (const raw of text.split('\n')) {
    // Without --plain systemctl marks failed units with "●" (or "*" without UTF-8).
    const line = raw.replace(/^\s*[●*]\s*/, '').trim();
    const m = /^(\S+)\s+(\S+)\s+(\S+)\s+(\S+)(?:\s+(.*))?$/.exec(line);
    if (!m) continue;
    rows.push({ unit: m[1]!, load: m[2]!, active: m[3]!, sub: m[4]!, description: m[5] ?? '' });
  }
  return rows;
}

/** `systemctl show -p A -p B UNIT`: KEY=VALUE lines. */
export function parseShow(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const eq = line.indexOf('=');
    if (eq > 0) out[line.slice(0, eq)] = line.slice(eq + 1);
  }
  return out;
}

/** A unit name as systemctl and journalctl accept it (globs allowed); never an option. */
export function validUnitName(name: string): boolean {
  return /^[A-Za-z0-9:_.@\\*?[\]-]+$/.test(name) && !name.startsWith('-') && name.length <= 256;
}

export interface UnitFileRow {
  unit: string;
  /** enabled, disabled, static, masked, alias, indirect, generated, ... */
  state: string;
  /** The vendor preset (systemd 245+ prints it), or null. */
  preset: string | null;
}

/** `systemctl list-unit-files --no-legend`: UNIT STATE [PRESET]. */
export function parseUnitFiles(text: string): UnitFileRow[] {
  const rows: UnitFileRow[] = [];
  for (const line of text.split('\n')) {
    const m = /^(\S+)\s+(\S+)(?:\s+(\S+))?\s*$/.exec(line.trim());
    if (!m) continue;
    rows.push({ unit: m[1]!, state: m[2]!, preset: m[3] && m[3] !== '-' ? m[3] : null });
  }
  return rows;
}

export interface UnitLinkChange {
  action: 'created' | 'removed';
  /** The symlink systemctl created or removed. */
  link: string;
  /** What a created symlink points to. */
  target: string | null;
}

const unquote = (s: string): string => s.replace(/^"(.*)"$/, '$1');

/**
 * What `systemctl enable|disable|mask|unmask` reports on stderr, in every wording systemd has used:
 * `Created symlink X → Y.` (232+), `Created symlink from X to Y.` (older), `Removed X.` (238+, quoted
 * since 253), `Removed symlink X.` (older). Other lines (warnings) are not changes.
 */
export function parseLinkChanges(text: string): UnitLinkChange[] {
  const changes: UnitLinkChange[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.trim().replace(/\.$/, '');
    let m = /^Created symlink (?:from )?(.+?)(?: → | -> | to )(.+)$/.exec(line);
    if (m) {
      changes.push({ action: 'created', link: unquote(m[1]!), target: unquote(m[2]!) });
      continue;
    }
    m = /^Removed (?:symlink )?(.+)$/.exec(line);
    if (m) changes.push({ action: 'removed', link: unquote(m[1]!), target: null });
  }
  return changes;
}

/** A unit name as systemctl completes it: a bare name is a service. */
export function withUnitSuffix(name: string): string {
  return /\.(service|socket|target|timer|path|mount|automount|swap|slice|scope|device)$/.test(name) ? name : `${name}.service`;
}
