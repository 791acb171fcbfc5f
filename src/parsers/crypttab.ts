import { describeSpec, unescapeOctal } from './fstab.js';

// /etc/crypttab: `NAME SOURCE [KEYFILE [OPTIONS]]` per line, '#' comments. The guest's fstab
// names an opened volume /dev/mapper/NAME, so NAME is how its LUKS volume is found.

export interface CrypttabEntry {
  name: string;
  /** The source as describeSpec reads it: UUID=..., /dev/sda3, /dev/disk/by-uuid/... */
  source: { kind: string; value: string };
}

export function parseCrypttab(text: string): CrypttabEntry[] {
  const out: CrypttabEntry[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const [name, source] = line.split(/\s+/).map(unescapeOctal);
    if (!name || !source || !/^[A-Za-z0-9_.+:-]+$/.test(name)) continue;
    out.push({ name, source: describeSpec(source) });
  }
  return out;
}
