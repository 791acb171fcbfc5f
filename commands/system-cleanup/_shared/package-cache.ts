// clean-cache's choice, shared with sysprep's package-manager-cache: the package manager's own
// clean, run in the guest, and the files it removes (listed for --dry-run). pacman -Scc and
// apk cache clean cannot be told to empty the cache without a question (pacman's --noconfirm
// answers its default, "no") or a configured cache: their package caches are removed as files.
import type { Guest } from '../../../src/guest/types.js';
import type { ManagerName } from '../../../src/packages/manager-commands.js';
import { childrenOf, filesBelow, itemOf, type PathItem } from './guest-paths.js';

export interface CachePlan {
  /** The guest's own clean command, or null when the files are removed by guestctl. */
  argv: string[] | null;
  /** The directories whose content goes. */
  dirs: string[];
}

export function cachePlan(m: ManagerName): CachePlan {
  switch (m) {
    case 'apt':
      return { argv: ['apt-get', 'clean'], dirs: ['/var/cache/apt'] };
    case 'dnf':
      return { argv: ['dnf', 'clean', 'all'], dirs: ['/var/cache/dnf'] };
    case 'yum':
      return { argv: ['yum', 'clean', 'all'], dirs: ['/var/cache/yum'] };
    case 'zypper':
      return { argv: ['zypper', '--non-interactive', 'clean', '--all'], dirs: ['/var/cache/zypp'] };
    case 'pacman':
      return { argv: null, dirs: ['/var/cache/pacman/pkg'] };
    case 'apk':
      return { argv: null, dirs: ['/var/cache/apk', '/etc/apk/cache'] };
  }
}

const APT_CACHES = ['/var/cache/apt/pkgcache.bin', '/var/cache/apt/srcpkgcache.bin'];

/** What the clean removes: apt-get clean takes the downloaded .debs, partial downloads and the two binary caches; the others everything in their cache. */
export async function cacheItems(guest: Guest, m: ManagerName, signal: AbortSignal): Promise<PathItem[]> {
  if (m === 'apt') {
    const debs = (await filesBelow(guest, '/var/cache/apt/archives', signal)).filter((f) => f.path !== '/var/cache/apt/archives/lock');
    const bins: PathItem[] = [];
    for (const p of APT_CACHES) {
      const item = await itemOf(guest, p, signal);
      if (item) bins.push(item);
    }
    return [...debs.map(({ path, type, size }) => ({ path, type, size })), ...bins];
  }
  const items: PathItem[] = [];
  for (const dir of cachePlan(m).dirs) items.push(...(await childrenOf(guest, dir, signal)));
  return items;
}
