import { familyOf } from './address.js';

// What netplan's keys mean, shared by the reader (netplan.ts) and the editor (netplan-edit.ts).

export type Json = Record<string, unknown>;
export const isMapping = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
export const str = (v: unknown): string | undefined => (typeof v === 'string' || typeof v === 'number' ? String(v) : undefined);

/** The device sections whose definitions are interfaces with addressing of their own. */
export const NETPLAN_DEVICE_TYPES = ['ethernets', 'bonds', 'bridges', 'vlans', 'wifis'] as const;

/** netplan's own booleans (true/on/yes/y/1); YAML 1.2 reads the older spellings as strings. */
export function netplanTrue(v: unknown): boolean {
  return v === true || /^(true|on|yes|y|1)$/i.test(str(v) ?? '');
}

/** The name of the interface a definition configures: set-name, else match.name, else its id. */
export function netplanInterfaceName(id: string, def: unknown): string {
  if (!isMapping(def)) return id;
  const match = isMapping(def['match']) ? def['match'] : {};
  return str(def['set-name']) ?? str(match['name']) ?? id;
}

/** An addresses item: "ADDR/PREFIX" or the mapping form `ADDR/PREFIX: {lifetime: 0, label: ...}`. */
export function netplanAddress(item: unknown): string | undefined {
  return isMapping(item) ? Object.keys(item)[0] : str(item);
}

/** Is `to` a default route (of the family of `via`, when given)? */
export function isDefaultRoute(to: string | undefined, via?: string): boolean {
  if (to === 'default') return true;
  const fam = via === undefined ? null : familyOf(via);
  return (to === '0.0.0.0/0' && fam !== 6) || (to === '::/0' && fam !== 4);
}
