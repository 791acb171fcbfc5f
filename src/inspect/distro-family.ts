import type { Guest } from '../guest/types.js';
import { isFile } from '../guest/stat-or-null.js';

// Which family a Linux guest belongs to, for the commands whose files differ by family
// (where the hostname, time zone or locale is kept, and how it is written).

export type Family = 'debian' | 'rhel' | 'suse' | 'other';

const DEBIAN_IDS = new Set(['debian', 'ubuntu', 'linuxmint', 'raspbian', 'pop', 'kali', 'devuan', 'elementary', 'zorin', 'deepin']);
const RHEL_IDS = new Set(['rhel', 'centos', 'almalinux', 'rocky', 'fedora', 'ol', 'amzn', 'eurolinux', 'cloudlinux', 'circle', 'navy']);

/** The distro family, from os-release's ID first, then the family's marker files. */
export async function distroFamily(guest: Guest): Promise<Family> {
  const id = guest.os.distro ?? '';
  if (DEBIAN_IDS.has(id)) return 'debian';
  if (RHEL_IDS.has(id)) return 'rhel';
  if (id.startsWith('opensuse') || id.startsWith('sles') || id === 'sled') return 'suse';
  if (guest.os.packageFormat === 'deb' || (await isFile(guest.fs, '/etc/debian_version'))) return 'debian';
  if (await isFile(guest.fs, '/etc/redhat-release')) return 'rhel';
  if (await isFile(guest.fs, '/etc/SuSE-release')) return 'suse';
  return 'other';
}
