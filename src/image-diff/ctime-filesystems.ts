import type { MountInfo } from '../guest/types.js';

// Filesystems that keep no inode change time: Linux reports their mtime (or creation time) as
// ctime, which user space can set, so a ctime there proves nothing about later writes.
const NO_CTIME = new Set(['vfat', 'msdos', 'fat', 'exfat', 'iso9660', 'udf']);

/** Whether the guest path lies on a filesystem with a real ctime (the deepest mount holding it decides). */
export function hasRealCtime(path: string, mounts: readonly MountInfo[]): boolean {
  let best: MountInfo | undefined;
  for (const m of mounts) {
    const mp = m.mountpoint === '/' ? '' : m.mountpoint;
    if ((path === m.mountpoint || path.startsWith(`${mp}/`)) && (!best || m.mountpoint.length > best.mountpoint.length)) best = m;
  }
  return best === undefined || !NO_CTIME.has(best.fstype);
}
