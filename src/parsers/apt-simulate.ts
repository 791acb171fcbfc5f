// What `apt-get -s dist-upgrade` (simulate) says it would do, from its `Inst` and `Remv` lines:
//   Inst NAME [OLDVER] (NEWVER ORIGIN:VERSION/ARCHIVE, ... [ARCH]) [BROKEN...]
//   Remv NAME [OLDVER]
// An Inst line without [OLDVER] installs a package that is not installed yet (a new dependency).

export interface AptPlannedUpgrade {
  name: string;
  arch: string;
  /** null for a package the upgrade would newly install. */
  current: string | null;
  candidate: string;
  /** Where the candidate comes from, as apt prints it: "Debian-Security:12/stable-security". */
  origins: string[];
  security: boolean;
}

export interface AptSimulation {
  upgrades: AptPlannedUpgrade[];
  /** Packages the upgrade would newly install (new dependencies, a new kernel ABI). */
  installs: AptPlannedUpgrade[];
  removals: { name: string; version: string }[];
}

const INST = /^Inst (\S+)(?: \[([^\]]*)\])? \((\S+)(.*) \[([^\]]+)\]\)/;
const REMV = /^Remv (\S+)(?: \[([^\]]*)\])?/;

export function parseAptSimulate(text: string): AptSimulation {
  const out: AptSimulation = { upgrades: [], installs: [], removals: [] };
  for (const line of text.split('\n')) {
    const inst = INST.exec(line);
    if (inst) {
      const [, name = '', current, candidate = '', rest = '', arch = ''] = inst;
      const origins = rest.split(',').map((o) => o.trim()).filter(Boolean);
      const row = { name, arch, current: current ?? null, candidate, origins, security: origins.some(isSecurityOrigin) };
      (current === undefined ? out.installs : out.upgrades).push(row);
      continue;
    }
    const remv = REMV.exec(line);
    if (remv) out.removals.push({ name: remv[1]!, version: remv[2] ?? '' });
  }
  return out;
}

/** Debian's "Debian-Security:12/stable-security", Ubuntu's "Ubuntu:22.04/jammy-security". */
export function isSecurityOrigin(origin: string): boolean {
  const colon = origin.indexOf(':');
  const name = colon < 0 ? '' : origin.slice(0, colon);
  const archive = origin.slice(origin.lastIndexOf('/') + 1);
  return /-security$/i.test(archive) || /security/i.test(name);
}

/**
 * apt-get update exits 0 when a source could not be fetched ("W: Failed to fetch URL  CAUSE"),
 * so its messages (stdout and stderr together) decide: why the refresh failed, or null when
 * every source was fetched.
 */
export function aptUpdateFailure(messages: string): string | null {
  const lines = messages.split('\n').map((l) => l.trim());
  for (const l of lines) {
    const fetch = /^W: Failed to fetch (\S+)\s+(.*)$/.exec(l);
    if (fetch) {
      const [, url = '', cause = ''] = fetch;
      const host = /^[a-z+]+:\/\/([^/]+)/i.exec(url)?.[1];
      const unreachable = /resolv|connect|timed out|network is unreachable|no route/i.test(cause);
      return host && unreachable ? `could not reach ${host} (${cause})` : `could not fetch ${url} (${cause || 'no reason given'})`;
    }
  }
  const error = lines.find((l) => /^E: /.test(l));
  if (error) return error.slice(3);
  const some = lines.find((l) => /^W: Some index files failed/.test(l));
  return some ? some.slice(3) : null;
}
