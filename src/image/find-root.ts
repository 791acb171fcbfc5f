import type { ResourceStack } from '../resources/stack.js';
import type { MountedGuest } from '../guest/mounted-guest.js';
import { LocalGuestFs } from '../guest/local-fs.js';
import { looksLikeRoot } from '../inspect/os.js';
import { mountVolume, whyUnmountable } from './mount-volume.js';
import type { Volume } from './volumes.js';

// Find the guest's root filesystem: mount each Linux (or NTFS) filesystem read-only at the guest root in
// turn (largest first) until one holds an OS. Probing never writes: a candidate that is not the
// root comes off untouched, and the root itself becomes writable only when a command writes.

const ROOT_TYPES = ['ext4', 'ext3', 'ext2', 'xfs', 'btrfs', 'ntfs'];

export interface RootProbe {
  root: Volume | null;
  /** Why each filesystem tried is not the root (for `info` when no OS is found). */
  reasons: string[];
}

export async function findRoot(guest: MountedGuest, volumes: Volume[], stack: ResourceStack): Promise<RootProbe> {
  const reasons: string[] = [];
  const parents = new Set(volumes.map((v) => v.parent));
  for (const vol of volumes) {
    // A PV, a RAID member or an opened LUKS container is not a filesystem, and its volumes are listed.
    if (parents.has(vol.device)) continue;
    const why = whyUnmountable(vol);
    if (why && vol.fstype && vol.fstype !== 'swap' && !guest.notes.some((n) => n.includes(why))) guest.notes.push(`${vol.device}: ${why}`);
  }
  const candidates = volumes.filter((v) => v.fstype && ROOT_TYPES.includes(v.fstype) && !v.unusable).sort((a, b) => b.size - a.size);
  for (const vol of candidates) {
    let m;
    try {
      m = await mountVolume(vol, guest.root, { readOnly: true, stack });
    } catch (err) {
      guest.notes.push(`${vol.device}: ${(err as Error).message}`);
      reasons.push(`${vol.device}: ${(err as Error).message}`);
      continue;
    }
    if (await looksLikeRoot(new LocalGuestFs(guest.root, true))) {
      guest.recordMount(vol, guest.root, { device: vol.device, mountpoint: '/', fstype: vol.fstype!, options: m.options, driver: m.driver }, {});
      if (m.note) guest.notes.push(m.note);
      return { root: vol, reasons };
    }
    reasons.push(`${vol.device} (${vol.fstype}): no os-release, no \\Windows\\System32, no /bin with an /etc/fstab`);
    // Not the root: it must really come off before the next candidate is tried on the same directory.
    await stack.release((r) => r.kind === 'mount' && r.path === guest.root);
    await stack.release((r) => r.kind === 'loop' && r.offset === vol.offset && r.backing === vol.source);
  }
  if (candidates.length === 0) reasons.push('no ext2/3/4, xfs, btrfs or NTFS filesystem to look in');
  return { root: null, reasons };
}
