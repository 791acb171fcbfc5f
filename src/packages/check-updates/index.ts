// Which manager answers for a guest, and the two questions: what an upgrade would bring after
// refreshing the package lists (check-updates), and what the guest's current lists already
// offer (packages --upgradable).
import type { Guest } from '../../guest/types.js';
import { CliError } from '../../util/errors.js';
import { apkUpdates } from './apk.js';
import { aptCheckUpdates, aptListsEmpty, aptUpgradable } from './apt.js';
import { dnfUpdates } from './dnf.js';
import type { ManagerRun } from './exec.js';
import { PACMAN_NO_REFRESH, pacmanUpgradable } from './pacman.js';
import type { UpdateCheck } from './types.js';
import { zypperUpdates } from './zypper.js';

type Manager = UpdateCheck['manager'];
const BY_FORMAT: Record<string, Manager> = { deb: 'apt', rpm: 'dnf', apk: 'apk', pacman: 'pacman' };
const KNOWN: readonly string[] = ['apt', 'dnf', 'yum', 'zypper', 'apk', 'pacman'];

export function updateManager(guest: Guest): Manager {
  const m = guest.os.packageManager;
  if (m && KNOWN.includes(m)) return m as Manager;
  const byFormat = guest.os.packageFormat ? BY_FORMAT[guest.os.packageFormat] : undefined;
  if (byFormat) return byFormat;
  throw new CliError('unsupported', `no supported package manager in the guest: ${m ? `its manager is ${m}` : 'its files name none (no dpkg, rpm, pacman or apk database)'}`);
}

/** zypper tells security per patch and apk not at all: their rows say `security: null`. */
export function marksSecurity(manager: Manager): boolean {
  return manager !== 'zypper' && manager !== 'apk' && manager !== 'pacman';
}

interface ManagerQueries {
  /** After refreshing the metadata; a string is why the manager cannot. */
  check: ((r: ManagerRun) => Promise<UpdateCheck>) | string;
  /** From the metadata the guest has now. */
  upgradable(r: ManagerRun): Promise<UpdateCheck>;
}

const QUERIES: Record<Manager, ManagerQueries> = {
  apt: { check: aptCheckUpdates, upgradable: aptUpgradable },
  dnf: { check: (r) => dnfUpdates(r, 'dnf', true), upgradable: (r) => dnfUpdates(r, 'dnf', false) },
  yum: { check: (r) => dnfUpdates(r, 'yum', true), upgradable: (r) => dnfUpdates(r, 'yum', false) },
  zypper: { check: (r) => zypperUpdates(r, true), upgradable: (r) => zypperUpdates(r, false) },
  apk: { check: (r) => apkUpdates(r, true), upgradable: (r) => apkUpdates(r, false) },
  pacman: { check: PACMAN_NO_REFRESH, upgradable: pacmanUpgradable },
};

export async function checkUpdates(r: ManagerRun, opts: { securityOnly?: boolean } = {}): Promise<UpdateCheck> {
  const manager = updateManager(r.guest);
  const { check } = QUERIES[manager];
  if (typeof check === 'string') throw new CliError('unsupported', check);
  if (opts.securityOnly && !marksSecurity(manager)) throw new CliError('unsupported', `check-updates --security: ${manager} does not say which package updates are security updates`);
  // apt refreshes into a private directory on a read-only guest; the others keep their
  // metadata in the image, so a read-only offline guest cannot refresh them.
  if (manager !== 'apt' && r.guest.readOnly && r.guest.kind !== 'live')
    throw new CliError('refused', `check-updates: ${manager} writes its refreshed metadata into the image, and this session is read-only: open the image writable, or see 'packages --upgradable' for what its current metadata offers`);
  return check(r);
}

/** Why the answer may be empty although updates exist, or null. */
export async function staleListsNote(guest: Guest, check: UpdateCheck): Promise<string | null> {
  if (check.manager !== 'apt' || check.updates.length > 0 || !(await aptListsEmpty(guest))) return null;
  return 'the package lists are empty: run check-updates on a writable session (or update) to refresh them';
}

export function upgradablePackages(r: ManagerRun): Promise<UpdateCheck> {
  return QUERIES[updateManager(r.guest)].upgradable(r);
}
