import type { GuestFs, OsInfo } from '../guest/types.js';
import { osShortName, parseOsRelease } from '../parsers/os-release.js';
import { elfArch } from '../parsers/elf.js';
import { isDir, isFile } from '../guest/stat-or-null.js';
import { findSoftwareHive, inspectWindows } from '../windows/inspect.js';
import { countApkInstalled, countDpkgInstalled, debianPointRelease, preciser, redhatReleaseVersion } from './os-details.js';

// What an offline guest is, read from its own files (the way virt-inspector does it).

async function readText(fs: GuestFs, path: string): Promise<string | null> {
  try {
    return (await fs.readFile(path)).toString('utf8');
  } catch {
    return null;
  }
}

export function emptyOsInfo(live = false): OsInfo {
  return {
    type: 'unknown',
    distro: null,
    version: null,
    product: null,
    shortName: null,
    arch: null,
    hostname: null,
    packageFormat: null,
    packageManager: null,
    initSystem: null,
    kernels: [],
    live,
  };
}

/** Whether a mounted filesystem looks like an operating system's root. */
export async function looksLikeRoot(fs: GuestFs): Promise<boolean> {
  if ((await isFile(fs, '/etc/os-release')) || (await isFile(fs, '/usr/lib/os-release'))) return true;
  if ((await isDir(fs, '/Windows/System32')) || (await findSoftwareHive(fs)) !== null) return true;
  const hasBin = (await isDir(fs, '/bin')) || (await isDir(fs, '/usr/bin'));
  return hasBin && (await isFile(fs, '/etc/fstab'));
}

export async function inspectOs(fs: GuestFs): Promise<OsInfo> {
  const info = emptyOsInfo();
  const softwareHive = await findSoftwareHive(fs);
  if (softwareHive !== null || (await isDir(fs, '/Windows/System32'))) {
    info.type = 'windows';
    info.distro = 'windows';
    if (softwareHive !== null) Object.assign(info, await inspectWindows(fs, softwareHive));
    info.product ??= 'Windows';
    return info;
  }
  const osRelease = (await readText(fs, '/etc/os-release')) ?? (await readText(fs, '/usr/lib/os-release'));
  if (osRelease === null && !(await looksLikeRoot(fs))) return info;
  info.type = 'linux';
  if (osRelease !== null) {
    const fields = parseOsRelease(osRelease);
    info.distro = fields.ID ?? null;
    info.version = fields.VERSION_ID ?? null;
    info.product = fields.PRETTY_NAME ?? fields.NAME ?? null;
    info.shortName = osShortName(fields) || null;
  }
  info.version = await minorVersion(fs, info.distro, info.version);
  info.arch = await guestArch(fs);
  info.hostname = await guestHostname(fs);
  Object.assign(info, await packaging(fs, info.distro));
  info.initSystem = await initSystem(fs);
  info.kernels = await kernels(fs);
  info.installedPackages = await installedPackages(fs, info.packageFormat);
  return info;
}

const REDHAT_FAMILY = new Set(['rhel', 'centos', 'fedora', 'rocky', 'almalinux', 'ol', 'scientific']);

async function minorVersion(fs: GuestFs, distro: string | null, version: string | null): Promise<string | null> {
  if (distro === 'debian') {
    const text = await readText(fs, '/etc/debian_version');
    return (text !== null && debianPointRelease(version, text)) || version;
  }
  if (distro === null || REDHAT_FAMILY.has(distro)) {
    const text = await readText(fs, '/etc/redhat-release');
    return text === null ? version : preciser(version, redhatReleaseVersion(text));
  }
  return version;
}

async function installedPackages(fs: GuestFs, format: string | null): Promise<number | null> {
  switch (format) {
    case 'deb': {
      const status = await readText(fs, '/var/lib/dpkg/status');
      return status === null ? null : countDpkgInstalled(status);
    }
    case 'apk': {
      const db = await readText(fs, '/lib/apk/db/installed');
      return db === null ? null : countApkInstalled(db);
    }
    case 'pacman':
      return fs.list('/var/lib/pacman/local').then(
        (entries) => entries.filter((e) => e.type === 'directory').length,
        () => null,
      );
    default:
      return null; // rpm keeps its database in SQLite or Berkeley DB, which is not read here
  }
}

export async function guestArch(fs: GuestFs): Promise<string | null> {
  for (const p of ['/bin/sh', '/bin/ls', '/usr/bin/ls', '/bin/busybox']) {
    try {
      const head = (await fs.readFile(p)).subarray(0, 64);
      const arch = elfArch(head);
      if (arch) return arch.arch;
    } catch {
      // try the next one
    }
  }
  return null;
}

async function guestHostname(fs: GuestFs): Promise<string | null> {
  for (const p of ['/etc/hostname', '/etc/HOSTNAME']) {
    const text = await readText(fs, p);
    const name = text?.split('\n').map((l) => l.trim()).find((l) => l && !l.startsWith('#'));
    if (name) return name;
  }
  const network = await readText(fs, '/etc/sysconfig/network');
  const m = network && /^HOSTNAME=["']?([^"'\s]+)/m.exec(network);
  return m ? m[1]! : null;
}

async function packaging(fs: GuestFs, distro: string | null): Promise<Pick<OsInfo, 'packageFormat' | 'packageManager'>> {
  if (await isFile(fs, '/var/lib/dpkg/status')) return { packageFormat: 'deb', packageManager: 'apt' };
  if ((await isDir(fs, '/var/lib/rpm')) || (await isDir(fs, '/usr/lib/sysimage/rpm'))) {
    const manager = (await isFile(fs, '/usr/bin/zypper'))
      ? 'zypper'
      : (await isFile(fs, '/usr/bin/dnf')) || (await isFile(fs, '/usr/bin/dnf5'))
        ? 'dnf'
        : (await isFile(fs, '/usr/bin/yum'))
          ? 'yum'
          : distro === 'opensuse' || distro?.startsWith('sles')
            ? 'zypper'
            : 'rpm';
    return { packageFormat: 'rpm', packageManager: manager };
  }
  if (await isDir(fs, '/lib/apk/db')) return { packageFormat: 'apk', packageManager: 'apk' };
  if (await isDir(fs, '/var/lib/pacman')) return { packageFormat: 'pacman', packageManager: 'pacman' };
  return { packageFormat: null, packageManager: null };
}

async function initSystem(fs: GuestFs): Promise<string | null> {
  try {
    const init = await fs.realpath('/sbin/init');
    if (init.endsWith('/systemd')) return 'systemd';
    if (init.endsWith('/busybox')) return 'busybox';
    if (init.endsWith('/openrc-init') || (await isFile(fs, '/sbin/openrc'))) return 'openrc';
    if (init.endsWith('/runit-init')) return 'runit';
    return 'sysvinit';
  } catch {
    if ((await isFile(fs, '/usr/lib/systemd/systemd')) || (await isFile(fs, '/lib/systemd/systemd'))) return 'systemd';
    return null;
  }
}

async function kernels(fs: GuestFs): Promise<string[]> {
  try {
    const entries = await fs.list('/boot');
    return entries
      .filter((e) => e.type === 'file' && /^(vmlinuz|vmlinux|kernel|Image)/.test(e.name))
      .map((e) => e.name.replace(/^(vmlinuz|vmlinux|kernel|Image)-?/, '') || e.name)
      .sort();
  } catch {
    return [];
  }
}
