// dpkg's /var/lib/dpkg/status (deb822 stanzas). Status is `WANT EFLAG STATE`; a package is
// installed when its state is `installed`, whatever is wanted of it (`install ok installed`,
// but also `hold ok installed` for a held package and `deinstall ok installed` for one
// selected for removal: both are still on disk, and dpkg-query lists them as hi / ri).
// Unpacked, half-configured and config-files (removed, configuration kept) entries are left out.
import type { InstalledPackage } from '../packages/installed-package.js';

export type Stanza = Map<string, string>;

/**
 * Split deb822 text into stanzas: `Field: value` lines, continuation lines (leading space or
 * tab) appended with a newline, stanzas separated by blank lines. Field names are kept as written.
 */
export function parseStanzas(text: string): Stanza[] {
  const stanzas: Stanza[] = [];
  let current: Stanza = new Map();
  let last: string | null = null;
  const flush = () => {
    if (current.size > 0) stanzas.push(current);
    current = new Map();
    last = null;
  };
  for (const line of text.split('\n')) {
    if (line.trim() === '') {
      flush();
    } else if (line.startsWith(' ') || line.startsWith('\t')) {
      if (last !== null) current.set(last, `${current.get(last)}\n${line.slice(1)}`);
    } else {
      const colon = line.indexOf(':');
      if (colon <= 0) continue; // not a field line: dpkg would refuse the file; skip it here
      last = line.slice(0, colon);
      current.set(last, line.slice(colon + 1).trim());
    }
  }
  flush();
  return stanzas;
}

export function isInstalled(stanza: Stanza): boolean {
  return (stanza.get('Status') ?? '').split(/\s+/)[2] === 'installed';
}

/** The installed packages of a dpkg status file, in file order. */
export function parseDpkgStatus(text: string): InstalledPackage[] {
  return parseStanzas(text)
    .filter(isInstalled)
    .map((s) => {
      const kib = Number.parseInt(s.get('Installed-Size') ?? '', 10);
      return {
        name: s.get('Package') ?? '',
        version: s.get('Version') ?? '',
        arch: s.get('Architecture') ?? '',
        installedSize: Number.isFinite(kib) ? kib * 1024 : null,
        summary: (s.get('Description') ?? '').split('\n')[0]!.trim(),
      };
    })
    .filter((p) => p.name !== '');
}
