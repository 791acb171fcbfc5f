import type { Guest } from '../guest/types.js';
import { dpkgLiteralPattern, parseDpkgSearch, parseRpmOwners } from '../parsers/package-owners.js';
import { CliError } from '../util/errors.js';
import { firstLine } from '../util/run-tool.js';

// The packages that own a list of guest paths, asked of the guest's own package database in
// ONE run of its tool (dpkg-query -S or rpm -qf). null when the guest has neither.

/**
 * The other spelling of a path on a merged-/usr system: dpkg records the name the package
 * shipped (/bin/su) while the walk finds /usr/bin/su, or the other way round.
 */
export function usrMergeAlias(path: string): string | null {
  const m = /^\/(usr\/)?(bin|sbin|lib|lib32|lib64|libx32)(\/.*)$/.exec(path);
  if (!m) return null;
  return m[1] ? `/${m[2]}${m[3]}` : `/usr/${m[2]}${m[3]}`;
}

export async function packageOwners(guest: Guest, paths: string[], signal: AbortSignal): Promise<Map<string, string[]> | null> {
  if (paths.length === 0) return new Map();
  if (guest.os.packageFormat === 'deb') return dpkgOwners(guest, paths, signal);
  if (guest.os.packageFormat === 'rpm') return rpmOwners(guest, paths, signal);
  return null;
}

async function dpkgOwners(guest: Guest, paths: string[], signal: AbortSignal): Promise<Map<string, string[]>> {
  const asked = [...new Set(paths.flatMap((p) => [p, usrMergeAlias(p)].filter((x): x is string => x !== null)))];
  const r = await guest.exec(['dpkg-query', '-S', '--', ...asked.map(dpkgLiteralPattern)], { signal });
  // 1: some path has no owner (the answer for those is on stderr), which is data here.
  if (r.code !== 0 && r.code !== 1) throw new CliError('failed', `dpkg-query -S in the guest: exit ${r.code}: ${firstLine(r.stderr)}`);
  const found = parseDpkgSearch(r.stdout);
  const owners = new Map<string, string[]>();
  for (const p of paths) {
    const alias = usrMergeAlias(p);
    owners.set(p, [...new Set([...(found.get(p) ?? []), ...(alias ? (found.get(alias) ?? []) : [])])]);
  }
  return owners;
}

async function rpmOwners(guest: Guest, paths: string[], signal: AbortSignal): Promise<Map<string, string[]>> {
  const r = await guest.exec(['rpm', '-qf', '--queryformat', '%{NAME}\\n', '--', ...paths], { signal });
  // 1: some path has no owner ("file ... is not owned by any package" on stdout).
  if (r.code !== 0 && r.code !== 1) throw new CliError('failed', `rpm -qf in the guest: exit ${r.code}: ${firstLine(r.stderr)}`);
  try {
    return parseRpmOwners(r.stdout, paths);
  } catch (err) {
    throw new CliError('failed', `rpm -qf in the guest: ${(err as Error).message}`);
  }
}
