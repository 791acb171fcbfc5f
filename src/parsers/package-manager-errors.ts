// A package manager's output (stdout and stderr together) → the one-line cause of its failure,
// for the error a user sees. Pure; null when no known cause is recognised.

interface Rule {
  test: RegExp;
  cause: (m: RegExpMatchArray) => string;
}

const RULES: Rule[] = [
  // apt/dpkg: "Could not get lock /var/lib/dpkg/lock-frontend. It is held by process 1234 (apt-get)"
  {
    test: /Could not get lock (\S+?)\.? It is held by process (\d+)(?: \(([^)]+)\))?/,
    cause: (m) => `the package database lock ${m[1]} is held by process ${m[2]}${m[3] ? ` (${m[3]})` : ''}`,
  },
  { test: /Could not get lock (\S+?)\.?(?:\s|$)/, cause: (m) => `the package database lock ${m[1]} is held by another process` },
  { test: /dpkg frontend lock was locked by another process with pid (\d+)/, cause: (m) => `the dpkg database is locked by process ${m[1]}` },
  { test: /dpkg (?:status database|frontend) is locked by another process/, cause: () => 'the dpkg database is locked by another process' },
  // rpm/dnf/yum
  { test: /(?:Waiting for process with pid|Existing lock \S+: another copy is running as pid) (\d+)/, cause: (m) => `the package database is locked by process ${m[1]}` },
  { test: /System management is locked by the application with pid (\d+)(?: \(([^)]+)\))?/, cause: (m) => `the package database is locked by process ${m[1]}${m[2] ? ` (${m[2]})` : ''}` },
  { test: /unable to lock database|could not lock database|Unable to lock database/, cause: () => 'the package database is locked by another process' },
  // a missing package
  { test: /Unable to locate package (\S+)/, cause: (m) => `no package named ${m[1]} in the guest's repositories` },
  { test: /Package '?([^'\s]+)'? has no installation candidate/, cause: (m) => `package ${m[1]} has no installation candidate in the guest's repositories` },
  { test: /No match for argument: (\S+)/, cause: (m) => `no package named ${m[1]} in the guest's repositories` },
  { test: /No package (\S+) available/, cause: (m) => `no package named ${m[1]} in the guest's repositories` },
  { test: /target not found: (\S+)/, cause: (m) => `no package named ${m[1]} in the guest's repositories` },
  { test: /No provider of '([^']+)' found/, cause: (m) => `no package named ${m[1]} in the guest's repositories` },
  { test: /ERROR: unable to select packages:\s*\n?\s*(\S+?)(?: \(no such package\)|:|\s)/, cause: (m) => `no package named ${m[1]} in the guest's repositories` },
  { test: /Package '([^']+)' is not installed, so not removed|No packages marked for removal|error: target not found/, cause: () => 'the package is not installed' },
  // space
  { test: /No space left on device|You don't have enough free space|needs \S+ more space on the \S+ filesystem/, cause: () => 'no space left on the guest filesystem' },
  // network
  {
    test: /Temporary failure resolving '([^']+)'|Could not resolve (?:host:? )?'?([^'\s\]]+)'?|Failed to resolve|Name or service not known/,
    cause: (m) => `no network: cannot resolve ${m[1] ?? m[2] ?? 'the repository host'}`,
  },
  { test: /Could not connect to (\S+)|Failed to connect to (\S+)|Connection (?:refused|timed out)|Network is unreachable|Cannot download repomd\.xml|failed retrieving file|Failed to download metadata/, cause: (m) => `no network: cannot reach ${m[1] ?? m[2] ?? 'the repositories'}` },
  // dependencies
  { test: /Unable to correct problems, you have held broken packages|The following packages have unmet dependencies/, cause: () => 'unmet dependencies (broken packages)' },
  { test: /nothing provides (\S+)/, cause: (m) => `unresolvable dependencies: nothing provides ${m[1]}` },
  { test: /Problem: .*(?:conflicts with|requires) ([^\n]+)/, cause: (m) => `unresolvable dependencies: ${m[1]!.trim()}` },
  { test: /dependency problems - leaving unconfigured|dependency problems prevent configuration of ([^\s:]+)/, cause: (m) => `unmet dependencies${m[1] ? ` of ${m[1]}` : ''}` },
  { test: /could not satisfy dependencies|unable to satisfy dependencies/i, cause: () => 'unmet dependencies' },
];

export function packageManagerCause(output: string): string | null {
  for (const r of RULES) {
    const m = output.match(r.test);
    if (m) return r.cause(m);
  }
  return null;
}

/** The last `n` non-empty lines of the output, for the error's detail. */
export function lastLines(output: string, n = 5): string[] {
  return output
    .split('\n')
    .map((l) => l.replace(/\r/g, '').trim())
    .filter((l) => l.trim() !== '')
    .slice(-n);
}
