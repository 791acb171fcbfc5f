// Account naming and ID allocation, as shadow-utils' useradd decides them.

import type { IdRange } from '../parsers/login-defs.js';

/**
 * Why `name` cannot be a user or group name, or null when it can. Debian's useradd
 * (shadow 4.13 with Debian's relaxed-names patch) refuses names longer than 32 bytes, names
 * starting with '-', '+' or '~', and names containing ':', ',' or whitespace. guestctl also
 * refuses what would break other tools even where Debian lets it through: control
 * characters, '/', '.' and '..' (the home would be /home/.. = /home's parent) and all-digit
 * names (indistinguishable from a numeric ID for chown and friends).
 */
export function invalidNameReason(name: string): string | null {
  if (name === '') return 'empty';
  if (Buffer.byteLength(name) > 32) return 'longer than 32 bytes';
  if (/^[-+~]/.test(name)) return `it starts with '${name[0]}'`;
  if (/[:,]/.test(name)) return "it contains ':' or ','";
  if (/\s/.test(name)) return 'it contains whitespace';
  // eslint-disable-next-line no-control-regex
  if (/[\x00-\x1f\x7f]/.test(name)) return 'it contains a control character';
  if (name.includes('/')) return "it contains '/'";
  if (name === '.' || name === '..') return 'it is a path component';
  if (/^\d+$/.test(name)) return 'it is all digits (it would read as an ID)';
  return null;
}

/** 65535 and 4294967295 are the "no ID" values of 16- and 32-bit interfaces: never handed out. */
export function reservedId(id: number): boolean {
  return id === 0xffff || id === 0xffffffff;
}

/**
 * The next free ID as shadow-utils' find_new_uid()/find_new_gid() choose it:
 * - `preferred` (e.g. the new uid, for the user's private group) when it is free and within
 *   [1 (system) or min, max];
 * - regular accounts: one above the highest ID used in the range; if the top is taken,
 *   the lowest free one;
 * - system accounts: counting down: one below the lowest ID used in the range (starting at
 *   max); if the bottom is taken, the highest free one.
 * `used` lists the IDs in file order (the order matters for the system search, as in shadow).
 */
export function findNewId(used: number[], range: IdRange, system: boolean, preferred?: number): number | null {
  const { min, max } = range;
  if (max < min) return null;
  const taken = new Set(used);
  const free = (id: number) => id >= min && id <= max && !reservedId(id) && !taken.has(id);
  if (preferred !== undefined && preferred >= (system ? 1 : min) && preferred <= max && !reservedId(preferred) && !taken.has(preferred)) {
    return preferred;
  }
  let highest = min;
  let lowest = max;
  for (const id of used) {
    if (id <= lowest && id >= min) lowest = id - 1;
    if (id >= highest && id <= max) highest = id + 1;
  }
  if (system) {
    if (lowest < min) lowest = max;
    for (let id = lowest; id >= min; id--) if (free(id)) return id;
    if (lowest !== max) for (let id = max; id >= min; id--) if (free(id)) return id;
  } else {
    if (highest > max) highest = min;
    for (let id = highest; id <= max; id++) if (free(id)) return id;
    if (highest !== min) for (let id = min; id <= max; id++) if (free(id)) return id;
  }
  return null;
}
