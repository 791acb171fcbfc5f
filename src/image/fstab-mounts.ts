import { describeSpec, parseFstab } from '../parsers/fstab.js';
import type { MountedGuest } from '../guest/mounted-guest.js';
import { findVolume, type Volume } from './volumes.js';
import { mountVolume } from './mount-volume.js';

// Mount the filesystems the guest's own /etc/fstab lists, at their places under the guest root.

const NOT_BLOCK_DEVICES = new Set(['proc', 'sysfs', 'tmpfs', 'devpts', 'devtmpfs', 'cgroup', 'cgroup2', 'securityfs', 'debugfs', 'efivarfs', 'mqueue', 'hugetlbfs', 'bpf', 'configfs', 'fusectl', 'pstore', 'tracefs', 'none']);
const NETWORK = new Set(['nfs', 'nfs4', 'cifs', 'smbfs', 'sshfs', 'glusterfs', 'ceph', '9p', 'virtiofs']);

export async function mountFstab(guest: MountedGuest, volumes: Volume[]): Promise<string[]> {
  const notes: string[] = [];
  let text: string;
  try {
    text = (await guest.fs.readFile('/etc/fstab')).toString('utf8');
  } catch {
    return notes;
  }
  const entries = parseFstab(text)
    .filter((e) => e.file !== '/' && e.file.startsWith('/'))
    .sort((a, b) => depth(a.file) - depth(b.file));
  for (const e of entries) {
    if (e.vfstype === 'swap') continue;
    if (e.mntops.includes('noauto')) continue;
    if (NOT_BLOCK_DEVICES.has(e.vfstype) || e.mntops.includes('bind')) continue;
    if (NETWORK.has(e.vfstype)) {
      notes.push(`fstab: ${e.file} is a network filesystem (${e.vfstype}): not mounted`);
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
