// What a package manager changes besides the packages' own files (which its undo removes or puts
// back): its database, logs, caches, lists and /etc (conffiles, users and groups a maintainer
// script adds, alternatives, enablement links). Snapshotted before a package command so undo can
// put them back byte for byte; trees a guest does not have cost nothing.
export const PACKAGE_STATE_TREES: readonly string[] = [
  '/etc',
  // deb
  '/var/lib/dpkg',
  '/var/lib/apt',
  '/var/cache/apt',
  '/var/log/apt',
  '/var/log/dpkg.log',
  '/var/log/alternatives.log',
  '/var/cache/debconf',
  '/var/lib/ucf',
  '/var/lib/systemd/deb-systemd-helper-enabled',
  '/var/lib/systemd/deb-systemd-helper-masked',
  '/var/cache/man',
  // ldconfig's cache of library details, rewritten by the ldconfig trigger of any package with libraries
  '/var/cache/ldconfig',
  '/usr/share/info/dir',
  // rpm
  '/var/lib/rpm',
  '/usr/lib/sysimage/rpm',
  '/var/lib/dnf',
  '/var/lib/yum',
  '/var/log/dnf.log',
  '/var/log/dnf.rpm.log',
  '/var/log/dnf.librepo.log',
  '/var/log/hawkey.log',
  '/var/log/yum.log',
  // pacman, apk, zypper
  '/var/lib/pacman',
  '/var/log/pacman.log',
  '/lib/apk/db',
  '/var/cache/apk',
  '/var/lib/zypp',
  '/var/log/zypp',
  '/var/log/zypper.log',
];

export const PACKAGE_JOURNAL = { packages: true, trees: PACKAGE_STATE_TREES } as const;
