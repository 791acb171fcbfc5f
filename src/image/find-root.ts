import type { ResourceStack } from '../resources/stack.js';
import type { MountedGuest } from '../guest/mounted-guest.js';
import { LocalGuestFs } from '../guest/local-fs.js';
import { looksLikeRoot } from '../inspect/os.js';
import { mountVolume, whyUnmountable, type MountedVolume } from './mount-volume.js';
import { btrfsSubvolumes, rootSubvolumeCandidates } from './btrfs-subvolumes.js';
import type { Volume } from './volumes.js';

// Find the guest's root filesystem: mount each Linux (or NTFS) filesystem read-only at the guest root in
// turn (largest first) until one holds an OS. Probing never writes: a candidate that is not the
// root comes off untouched, and the root itself becomes writable only when a command writes.
// On btrfs the root may be the default subvolume or a top-level one named as installers name it.

const ROOT_TYPES = ['ext4', 'ext3', 'ext2', 'xfs', 'btrfs', 'ntfs'];

export interface RootProbe {
  root: Volume | null;
  /** Why each filesystem tried is not the root (for `info` when no OS is found). */
  reasons: string[];
}

/** A volume its installer called the root (LV root, label root or /): tried first, which spares mounting the others. */
function namedRoot(v: Volume): boolean {
  return /\/root$/.test(v.device) || v.label === 'root' || v.label === '/';
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
  const candidates = volumes
    .filter((v) => v.fstype && ROOT_TYPES.includes(v.fstype) && !v.unusable)
    .sort((a, b) => Number(namedRoot(b)) - Number(namedRoot(a)) || b.size - a.size);
  for (const vol of candidates) {
    try {
      const found = vol.fstype === 'btrfs' ? await tryBtrfs(guest, vol, stack) : await tryMount(guest, vol, stack, []);
      if (found) {
        guest.recordMount(vol, guest.root, found.m.loop, { device: vol.device, mountpoint: '/', fstype: vol.fstype!, options: found.m.options, driver: found.m.driver }, { fstabOptions: found.options });
        if (found.m.note) guest.notes.push(found.m.note);
        return { root: vol, reasons };
      }
    } catch (err) {
      guest.notes.push(`${vol.device}: ${(err as Error).message}`);
      reasons.push(`${vol.device}: ${(err as Error).message}`);
      continue;
    }
    const where = vol.fstype === 'btrfs' ? ' (nor in its default subvolume or one named @, root, @rootfs, rootfs)' : '';
    reasons.push(`${vol.device} (${vol.fstype}): no os-release, no \\Windows\\System32, no /bin with an /etc/fstab${where}`);
  }
  if (candidates.length === 0) reasons.push('no ext2/3/4, xfs, btrfs or NTFS filesystem to look in');
  return { root: null, reasons };
}

type Found = { m: MountedVolume; options: string[] } | null;

/** Mount read-only at the guest root; keep it if it is a root, else take it (and its loop device) off again. */
async function tryMount(guest: MountedGuest, vol: Volume, stack: ResourceStack, options: string[]): Promise<Found> {
  const m = await mountVolume(vol, guest.root, { readOnly: true, stack, fstabOptions: options });
  if (await looksLikeRoot(new LocalGuestFs(guest.root, true))) return { m, options };
  await takeOff(guest, stack, m);
  return null;
}

async function takeOff(guest: MountedGuest, stack: ResourceStack, m: MountedVolume): Promise<void> {
  // Not the root: it must really come off before the next candidate is tried on the same directory.
  await stack.release((r) => r.kind === 'mount' && r.path === guest.root);
  await stack.release((r) => r.kind === 'loop' && r.device === m.loop);
}

/** The default subvolume first, then the top level's subvolumes named like a root (listed on the volume). */
async function tryBtrfs(guest: MountedGuest, vol: Volume, stack: ResourceStack): Promise<Found> {
  const top = await mountVolume(vol, guest.root, { readOnly: true, stack, fstabOptions: ['subvolid=5'] });
  let named: string[];
  try {
    const subvolumes = await btrfsSubvolumes(guest.root);
    if (subvolumes.length > 0) vol.note = `subvolumes: ${subvolumes.join(', ')}`;
    named = [];
    for (const name of rootSubvolumeCandidates(subvolumes))
      if (await looksLikeRoot(new LocalGuestFs(`${guest.root}/${name}`, true))) named.push(name);
  } finally {
    await takeOff(guest, stack, top);
  }
  const byDefault = await tryMount(guest, vol, stack, []);
  if (byDefault) return byDefault;
  for (const name of named) {
    const found = await tryMount(guest, vol, stack, [`subvol=${name}`]);
    if (found) return found;
  }
  return null;
}
