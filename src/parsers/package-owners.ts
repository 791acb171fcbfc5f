// Which package owns each path: `dpkg-query -S PATH...` ("pkg[:arch][, pkg...]: /path" per
// found path; diversion lines are skipped) and `rpm -qf --queryformat '%{NAME}\n' PATH...`
// (one line per path in order: a name, or "file /p is not owned by any package").

export function parseDpkgSearch(stdout: string): Map<string, string[]> {
  const owners = new Map<string, string[]>();
  for (const line of stdout.split('\n')) {
    if (line === '' || line.startsWith('diversion by ')) continue;
    const sep = line.indexOf(': ');
    if (sep < 0) continue;
    const path = line.slice(sep + 2);
    const pkgs = line.slice(0, sep).split(', ').map((p) => p.trim()).filter(Boolean);
    owners.set(path, [...(owners.get(path) ?? []), ...pkgs]);
  }
  return owners;
}

/** rpm -qf answers in argument order; a path with two owners gets two lines (then the count tells). */
export function parseRpmOwners(stdout: string, paths: string[]): Map<string, string[]> {
  const lines = stdout.split('\n').filter((l) => l !== '');
  if (lines.length !== paths.length) throw new Error(`rpm -qf gave ${lines.length} answers for ${paths.length} paths`);
  const owners = new Map<string, string[]>();
  paths.forEach((p, i) => {
    const l = lines[i]!;
    owners.set(p, /^file .* is not owned by any package$/.test(l) ? [] : [l.trim()]);
  });
  return owners;
}

/** A dpkg-query -S pattern that matches `path` literally (dpkg matches with fnmatch). */
export function dpkgLiteralPattern(path: string): string {
  return path.replace(/[\\*?[\]]/g, '\\$&');
}
