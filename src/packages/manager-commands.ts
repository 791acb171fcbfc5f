// What each package manager is told to do: the argv and environment of every step, for apt,
// dnf, yum, zypper, pacman and apk. Pure: the runner (run-step.ts) decides where it runs.

export type ManagerName = 'apt' | 'dnf' | 'yum' | 'zypper' | 'pacman' | 'apk';

export const MANAGERS: readonly ManagerName[] = ['apt', 'dnf', 'yum', 'zypper', 'pacman', 'apk'];

export interface ManagerStep {
  /** What the step does, for progress lines and errors (e.g. "apt-get install"). */
  label: string;
  argv: string[];
  env: Record<string, string>;
  /** The step talks to the repositories (the jail gets network). */
  network: boolean;
}

export interface InstallOptions {
  noRecommends?: boolean;
}

const APT_ENV = { DEBIAN_FRONTEND: 'noninteractive', LC_ALL: 'C' };
// Keep the guest's changed config files (take the package's only where the guest never edited them).
const APT_KEEP_CONFIG = ['-o', 'Dpkg::Options::=--force-confdef', '-o', 'Dpkg::Options::=--force-confold'];
const C_ENV = { LC_ALL: 'C' };

const step = (label: string, argv: string[], network: boolean, env: Record<string, string> = C_ENV): ManagerStep => ({ label, argv, env, network });
const aptGet = (args: string[], network = true) => step(`apt-get ${args[0]}`, ['apt-get', '-y', ...APT_KEEP_CONFIG, ...args], network, APT_ENV);

export function isManagerName(name: string | null): name is ManagerName {
  return name !== null && (MANAGERS as readonly string[]).includes(name);
}

/** Refresh the repository lists before an install or upgrade (null: the manager does it itself). */
export function refreshStep(m: ManagerName): ManagerStep | null {
  switch (m) {
    case 'apt':
      return step('apt-get update', ['apt-get', 'update'], true, APT_ENV);
    case 'zypper':
      return step('zypper refresh', ['zypper', '--non-interactive', 'refresh'], true);
    case 'pacman':
      return step('pacman -Sy', ['pacman', '-Sy', '--noconfirm'], true);
    case 'apk':
      return step('apk update', ['apk', 'update'], true);
    case 'dnf':
    case 'yum':
      return null; // they refresh expired metadata on their own
  }
}

export function installStep(m: ManagerName, packages: string[], opts: InstallOptions = {}): ManagerStep {
  const ps = ['--', ...packages];
  switch (m) {
    case 'apt':
      return aptGet(['install', ...(opts.noRecommends ? ['--no-install-recommends'] : []), ...ps]);
    case 'dnf':
    case 'yum':
      return step(`${m} install`, [m, '-y', ...(opts.noRecommends ? ['--setopt=install_weak_deps=False'] : []), 'install', ...ps], true);
    case 'zypper':
      return step('zypper install', ['zypper', '--non-interactive', 'install', ...(opts.noRecommends ? ['--no-recommends'] : []), ...packages], true);
    case 'pacman':
      // pacman has no recommends; a file argument needs -U, a name -S.
      return packages.every((p) => p.startsWith('/'))
        ? step('pacman -U', ['pacman', '-U', '--noconfirm', '--needed', ...packages], true)
        : step('pacman -S', ['pacman', '-S', '--noconfirm', '--needed', ...packages], true);
    case 'apk':
      return step('apk add', ['apk', 'add', ...(packages.some((p) => p.startsWith('/')) ? ['--allow-untrusted'] : []), ...packages], true);
  }
}

export function removeStep(m: ManagerName, packages: string[], purge = false): ManagerStep {
  switch (m) {
    case 'apt':
      return aptGet([purge ? 'purge' : 'remove', '--', ...packages], false);
    case 'dnf':
    case 'yum':
      // rpm keeps no configuration of a removed package apart from .rpmsave files: remove is the purge.
      return step(`${m} remove`, [m, '-y', 'remove', '--', ...packages], false);
    case 'zypper':
      return step('zypper remove', ['zypper', '--non-interactive', 'remove', ...packages], false);
    case 'pacman':
      return step('pacman -R', ['pacman', purge ? '-Rns' : '-R', '--noconfirm', ...packages], false);
    case 'apk':
      return step('apk del', ['apk', ...(purge ? ['--purge'] : []), 'del', ...packages], false);
  }
}

/** Upgrade everything (no packages given) or only the named ones. */
export function upgradeStep(m: ManagerName, packages: string[] = []): ManagerStep {
  const all = packages.length === 0;
  switch (m) {
    case 'apt':
      return all ? aptGet(['upgrade']) : aptGet(['install', '--only-upgrade', '--', ...packages]);
    case 'dnf':
    case 'yum':
      return step(`${m} upgrade`, [m, '-y', 'upgrade', ...(all ? [] : ['--', ...packages])], true);
    case 'zypper':
      return step('zypper update', ['zypper', '--non-interactive', 'update', ...packages], true);
    case 'pacman':
      // Arch supports no partial upgrades: the named packages are reinstalled at the synced version.
      return all ? step('pacman -Su', ['pacman', '-Su', '--noconfirm'], true) : step('pacman -S', ['pacman', '-S', '--noconfirm', ...packages], true);
    case 'apk':
      return step('apk upgrade', ['apk', 'upgrade', ...packages], true);
  }
}

/** Search names and summaries in the repository lists the guest has. */
export function searchStep(m: ManagerName, term: string): ManagerStep {
  switch (m) {
    case 'apt':
      return step('apt-cache search', ['apt-cache', 'search', '--', term], false, APT_ENV);
    case 'dnf':
    case 'yum':
      return step(`${m} search`, [m, '-q', 'search', '--', term], true);
    case 'zypper':
      return step('zypper search', ['zypper', '--non-interactive', '--quiet', 'search', '--', term], true);
    case 'pacman':
      return step('pacman -Ss', ['pacman', '-Ss', '--', term], false);
    case 'apk':
      return step('apk search', ['apk', 'search', '-v', '-d', term], false);
  }
}
