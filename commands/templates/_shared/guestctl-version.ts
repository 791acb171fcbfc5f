import { readFileSync } from 'node:fs';

// guestctl's version for a template header: the package.json above this module, found by walking up
// (the module runs from commands/ under vitest and from dist/commands/ once built).

export function guestctlVersion(): string {
  for (let up = '../'; up.length < 8 * 3; up += '../') {
    const url = new URL(`${up}package.json`, import.meta.url);
    let text: string;
    try {
      text = readFileSync(url, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') continue;
      throw err;
    }
    const pkg = JSON.parse(text) as { name?: string; version?: string };
    if (pkg.name === 'guestctl' && pkg.version) return pkg.version;
  }
  return 'unknown';
}
