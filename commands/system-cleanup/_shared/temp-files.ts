// clean-temp's choice, shared with sysprep's tmp-files: the content of /tmp and /var/tmp (the
// directories stay, with their 1777 mode). With an age, only files not modified for that long
// (never sockets or FIFOs, which a running program may be using); directories then stay.
import type { Guest } from '../../../src/guest/types.js';
import { childrenOf, filesBelow, type PathItem } from './guest-paths.js';

export const TEMP_DIRS = ['/tmp', '/var/tmp'];
/** On a running guest without --older-than: systemd-tmpfiles' own age for /tmp. */
export const LIVE_TEMP_DAYS = 10;

export async function tempItems(guest: Guest, olderThanDays: number | null, signal: AbortSignal, now = Date.now()): Promise<PathItem[]> {
  const items: PathItem[] = [];
  for (const dir of TEMP_DIRS) {
    if (olderThanDays === null) {
      items.push(...(await childrenOf(guest, dir, signal)));
      continue;
    }
    const cutoff = now - olderThanDays * 86_400_000;
    for (const f of await filesBelow(guest, dir, signal)) {
      if (f.type !== 'socket' && f.type !== 'fifo' && f.mtime.getTime() < cutoff) items.push({ path: f.path, type: f.type, size: f.size });
    }
  }
  return items;
}
