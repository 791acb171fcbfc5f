import { promises as fsp } from 'node:fs';

// btrfs subvolumes seen from a mount of the top level (subvolid=5): every subvolume's root
// directory has inode number 256, which no ordinary directory has.

const BTRFS_FIRST_FREE_OBJECTID = 256;

/** Where installers put the root: Ubuntu @, Fedora root, others @rootfs / rootfs. */
const ROOT_NAMES = ['@', 'root', '@rootfs', 'rootfs'];

/** The top level's subvolumes (one level deep), sorted. */
export async function btrfsSubvolumes(topLevel: string): Promise<string[]> {
  const entries = await fsp.readdir(topLevel, { withFileTypes: true });
  const names: string[] = [];
  for (const e of entries) {
    if (!e.isDirectory()) continue;
    const st = await fsp.lstat(`${topLevel}/${e.name}`, { bigint: true });
    if (st.ino === BigInt(BTRFS_FIRST_FREE_OBJECTID)) names.push(e.name);
  }
  return names.sort();
}

export function rootSubvolumeCandidates(subvolumes: string[]): string[] {
  return ROOT_NAMES.filter((n) => subvolumes.includes(n));
}
