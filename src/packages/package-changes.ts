// What an install, remove or upgrade changed: the installed-package lists before and after,
// compared (whatever the manager printed). Pure.
import type { InstalledPackage } from './installed-package.js';

export interface PackageVersion {
  name: string;
  arch: string;
  version: string;
}

export interface PackageUpgrade {
  name: string;
  arch: string;
  from: string;
  to: string;
}

export interface PackageChanges {
  installed: PackageVersion[];
  removed: PackageVersion[];
  upgraded: PackageUpgrade[];
}

const keyOf = (p: InstalledPackage) => `${p.name}\0${p.arch}`;
const short = (p: InstalledPackage): PackageVersion => ({ name: p.name, arch: p.arch, version: p.version });

export function packageChanges(before: InstalledPackage[], after: InstalledPackage[]): PackageChanges {
  const old = new Map(before.map((p) => [keyOf(p), p]));
  const now = new Map(after.map((p) => [keyOf(p), p]));
  const changes: PackageChanges = { installed: [], removed: [], upgraded: [] };
  for (const p of after) {
    const was = old.get(keyOf(p));
    if (!was) changes.installed.push(short(p));
    else if (was.version !== p.version) changes.upgraded.push({ name: p.name, arch: p.arch, from: was.version, to: p.version });
  }
  for (const p of before) if (!now.has(keyOf(p))) changes.removed.push(short(p));
  return changes;
}
