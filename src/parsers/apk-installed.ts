// Alpine's /lib/apk/db/installed: one stanza per package, separated by blank lines, of
// `X:value` lines (P name, V version, A arch, I installed size in bytes, T description; the
// F/R/Z/a/M lines list the package's files and are ignored here).
import type { InstalledPackage } from '../packages/installed-package.js';

export function parseApkInstalled(text: string): InstalledPackage[] {
  const packages: InstalledPackage[] = [];
  let fields = new Map<string, string>();
  const flush = () => {
    const name = fields.get('P');
    if (name) {
      const size = Number.parseInt(fields.get('I') ?? '', 10);
      packages.push({
        name,
        version: fields.get('V') ?? '',
        arch: fields.get('A') ?? '',
        installedSize: Number.isFinite(size) ? size : null,
        summary: fields.get('T') ?? '',
      });
    }
    fields = new Map();
  };
  for (const line of text.split('\n')) {
    if (line === '') flush();
    else if (line[1] === ':' && !fields.has(line[0]!)) fields.set(line[0]!, line.slice(2));
  }
  flush();
  return packages;
}
