import { describeSpec, parseFstab } from '../parsers/fstab.js';
import { CliError, describeError } from '../util/errors.js';
import type { MountedGuest } from '../guest/mounted-guest.js';
import { findVolume, type Volume } from './volumes.js';
import { mountVolume } from './mount-volume.js';

// Mount the filesystems the guest's own /etc/fstab lists, at their places under the guest root.

const NOT_BLOCK_DEVICES = new Set(['proc', 'sysfs', 'tmpfs', 'devpts', 'devtmpfs', 'cgroup', 'cgroup2', 'securityfs', 'debugfs', 'efivarfs', 'mqueue', 'hugetlbfs', 'bpf', 'configfs', 'fusectl', 'pstore', 'tracefs', 'none']);
/**
 * The only types an fstab entry may ask for: disk filesystems with a kernel driver or one of
 * our own userspace drivers. Anything else (fuse.*, nfs, cifs/smb3, sshfs...) would make
 * mount(8) run a host helper program the guest chose, so it is skipped with a note.
 */
const KNOWN_TYPES = new Set(['auto', 'ext2', 'ext3', 'ext4', 'xfs', 'btrfs', 'vfat', 'msdos', 'fat', 'exfat', 'ntfs', 'ntfs3', 'iso9660', 'udf', 'f2fs', 'jfs', 'reiserfs', 'hfsplus', 'hfs', 'minix']);
const NETWORK = new Set(['nfs', 'nfs4', 'cifs', 'smb3', 'smbfs', 'sshfs', 'glusterfs', 'ceph', '9p', 'virtiofs', 'davfs', 'lustre', 'afs']);

/** Why an fstab entry of this type is not mounted, or null when it may be. */
export function refusedType(vfstype: string): string | null {
  if (KNOWN_TYPES.has(vfstype)) return null;
  if (NETWORK.has(vfstype) || vfstype.startsWith('fuse.') || vfstype === 'fuse' || vfstype === 'fuseblk')
    return `${vfstype} is a network or helper filesystem`;
  return `${vfstype} is not a filesystem type guestctl mounts`;
}

/** The guest's fstab text; none at all is fine, an unreadable one is an error that names it. */
async function readFstab(guest: MountedGuest): Promise<string | null> {
  try {
    return (await guest.fs.readFile('/etc/fstab')).toString('utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new CliError('image', `cannot read the guest's /etc/fstab: ${describeError(err)}`);
  }
}

export async function mountFstab(guest: MountedGuest, volumes: Volume[]): Promise<string[]> {
  const notes: string[] = [];
  const text = await readFstab(guest);
  if (text === null) return notes;
  const entries = parseFstab(text)
    .filter((e) => e.file !== '/' && e.file.startsWith('/'))
    .sort((a, b) => depth(a.file) - depth(b.file));
  for (const e of entries) {
    if (e.vfstype === 'swap') continue;
    if (e.mntops.includes('noauto')) continue;
    if (NOT_BLOCK_DEVICES.has(e.vfstype) || e.mntops.includes('bind')) continue;
    const refused = refusedType(e.vfstype);
    if (refused) {
      notes.push(`fstab: ${e.spec} on ${e.file}: ${refused}: not mounted`);
      continue;
    }
    const vol = findVolume(volumes, describeSpec(e.spec));
    if (!vol) {
      notes.push(`fstab: ${e.spec} for ${e.file} is not on this disk: skipped`);
      continue;
    }
    let dir;
    try {
      dir = guest.fs.resolve(e.file, true);
    } catch {
      dir = null;
    }
    if (!dir || dir.kind !== 'directory') {
      notes.push(`fstab: mount point ${e.file} does not exist in the guest: ${vol.device} not mounted`);
      continue;
    }
    try {
      const fstype = e.vfstype === 'auto' ? (vol.fstype ?? undefined) : e.vfstype;
      const readOnly = guest.readOnly || e.mntops.includes('ro');
      const m = await guest.mount(vol.device, dir.guestPath, { readOnly, fstype: fstype === vol.fstype ? undefined : fstype, fstabOptions: e.mntops });
      if (m.note) notes.push(m.note);
    } catch (err) {
      notes.push(`fstab: ${e.file}: ${(err as Error).message}`);
    }
  }
  return notes;
}

function depth(path: string): number {
  return path.split('/').filter(Boolean).length;
}
