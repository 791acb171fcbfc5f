// systemctl output parsed for the live commands.

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
