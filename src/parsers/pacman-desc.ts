// One package's `desc` file in pacman's local database (/var/lib/pacman/local/NAME-VER-REL/desc):
// `%FIELD%` header lines, each followed by its value lines up to a blank line.
import type { InstalledPackage } from '../packages/installed-package.js';

export function parsePacmanFields(text: string): Map<string, string[]> {
  const fields = new Map<string, string[]>();
  let current: string[] | null = null;
  for (const line of text.split('\n')) {
    const header = /^%([A-Z0-9]+)%$/.exec(line);
    if (header) {
      current = [];
      fields.set(header[1]!, current);
    } else if (line === '') {
      current = null;
    } else if (current !== null) {
      current.push(line);
    }
  }
  return fields;
}

/** The package a desc file describes; null when it names none. */
export function parsePacmanDesc(text: string): InstalledPackage | null {
  const f = parsePacmanFields(text);
  const name = f.get('NAME')?.[0];
  if (!name) return null;
  const size = Number.parseInt(f.get('SIZE')?.[0] ?? '', 10);
  return {
    name,
    version: f.get('VERSION')?.[0] ?? '',
    arch: f.get('ARCH')?.[0] ?? '',
    installedSize: Number.isFinite(size) ? size : null,
    summary: f.get('DESC')?.[0] ?? '',
  };
}
