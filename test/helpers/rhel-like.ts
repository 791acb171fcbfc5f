// A synthetic RHEL-style guest as a DIRECTORY (`guestctl interactive DIR` opens it, `run` works
// in the sandbox): the host's static busybox plus the files RHEL-family tools and commands look
// at (/etc/redhat-release, os-release, sysconfig, SELinux config, login.defs with SHA512,
// /etc/shadow and /etc/gshadow mode 0000, /var/lib/rpm, zoneinfo, locale.conf).
// Shared by the issue-3 tests (users, ssh, system-config): extend it through options rather
// than by patching the tree in a test, so every test sees the same layout.

import { chmodSync, chownSync, copyFileSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

export interface RhelLikeOptions {
  /** os-release ID (default 'rhel'). */
  id?: 'rhel' | 'almalinux';
  versionId?: string;
  /** Content of /etc/hostname (default 'rhel9-fixture'). */
  hostname?: string;
  /** /etc/sysconfig/network gets `HOSTNAME=` (as RHEL 6 and upgraded systems have it); default true. */
  sysconfigHostname?: boolean;
  /** SELINUX= in /etc/selinux/config; null: no SELinux at all (no /etc/selinux). Default 'enforcing'. */
  selinux?: 'enforcing' | 'permissive' | 'disabled' | null;
  /** Directory name under DIR (default 'rhel-like'). */
  name?: string;
}

/** The applets linked into /bin (busybox's own, statically linked: they run in the sandbox). */
const APPLETS = ['sh', 'ls', 'cat', 'id', 'echo', 'head', 'stat', 'hostname', 'uname', 'mkdir', 'rm', 'mv', 'cp', 'ln', 'chmod', 'chown', 'find',
  'true', 'false', 'env', 'grep', 'sed', 'date', 'readlink', 'wc', 'sort', 'tail', 'test'];

export const RHEL_HOSTS = '127.0.0.1   localhost localhost.localdomain localhost4 localhost4.localdomain4\n::1         localhost localhost.localdomain localhost6 localhost6.localdomain6\n';

/** /etc/selinux/config exactly as RHEL 9 ships it (selinux-policy), with SELINUX= set to `mode`. */
export function rhelSelinuxConfig(mode: string): string {
  return `
# This file controls the state of SELinux on the system.
# SELINUX= can take one of these three values:
#     enforcing - SELinux security policy is enforced.
#     permissive - SELinux prints warnings instead of enforcing.
#     disabled - No SELinux policy is loaded.
# See also:
# https://docs.fedoraproject.org/en-US/quick-docs/getting-started-with-selinux/#getting-started-with-selinux-selinux-states-and-modes
#
# NOTE: In earlier Fedora kernel builds, SELINUX=disabled would also
# fully disable SELinux during boot. If you need a system with SELinux
# fully disabled instead of SELinux running with no policy loaded, you
# need to pass selinux=0 to the kernel command line. You can use grubby
# to persistently set the bootloader to boot with selinux=0:
#
#    grubby --update-kernel ALL --args selinux=0
#
# To revert back to SELinux enabled:
#
#    grubby --update-kernel ALL --remove-args selinux
#
SELINUX=${mode}
# SELINUXTYPE= can take one of these three values:
#     targeted - Targeted processes are protected,
#     minimum - Modification of targeted policy. Only selected processes are protected.
#     mls - Multi Level Security protection.
SELINUXTYPE=targeted


`;
}

export const LOGIN_DEFS = `#
# Please note that the parameters in this configuration file control the
# behavior of the tools from the shadow-utils component.
#
MAIL_DIR	/var/spool/mail
UMASK		022
HOME_MODE	0700
PASS_MAX_DAYS	99999
PASS_MIN_DAYS	0
PASS_WARN_AGE	7
UID_MIN                  1000
UID_MAX                 60000
SYS_UID_MIN               201
SYS_UID_MAX               999
SUB_UID_MIN		   100000
SUB_UID_MAX		600100000
SUB_UID_COUNT		    65536
GID_MIN                  1000
GID_MAX                 60000
SYS_GID_MIN               201
SYS_GID_MAX               999
SUB_GID_MIN		   100000
SUB_GID_MAX		600100000
SUB_GID_COUNT		    65536
CREATE_HOME	yes
USERGROUPS_ENAB yes
ENCRYPT_METHOD SHA512
`;

export const PASSWD = `root:x:0:0:root:/root:/bin/bash
bin:x:1:1:bin:/bin:/sbin/nologin
daemon:x:2:2:daemon:/sbin:/sbin/nologin
adm:x:3:4:adm:/var/adm:/sbin/nologin
nobody:x:65534:65534:Kernel Overflow User:/:/sbin/nologin
sshd:x:74:74:Privilege-separated SSH:/usr/share/empty.sshd:/sbin/nologin
`;
export const GROUP = `root:x:0:
bin:x:1:
daemon:x:2:
adm:x:4:
wheel:x:10:
users:x:100:
nobody:x:65534:
sshd:x:74:
`;
export const SHADOW = `root:!locked::0:99999:7:::
bin:*:19000:0:99999:7:::
daemon:*:19000:0:99999:7:::
adm:*:19000:0:99999:7:::
nobody:*:19000:0:99999:7:::
sshd:!!:19000::::::
`;
export const GSHADOW = `root:::
bin:::
daemon:::
adm:::
wheel:::
users:::
nobody:::
sshd:!::
`;

/** Zone files copied from the host's tzdata (real TZif files). */
const ZONES = ['UTC', 'Etc/UTC', 'Europe/Berlin', 'America/New_York', 'Asia/Tokyo'];

function put(root: string, path: string, text: string, mode = 0o644): void {
  const p = join(root, path);
  mkdirSync(dirname(p), { recursive: true, mode: 0o755 });
  writeFileSync(p, text);
  chownSync(p, 0, 0);
  chmodSync(p, mode);
}

/** Build DIR/<name> (default DIR/rhel-like) and return its path. Needs root (owners, modes). */
export function rhelLike(dir: string, opts: RhelLikeOptions = {}): string {
  const id = opts.id ?? 'rhel';
  const version = opts.versionId ?? '9.3';
  const hostname = opts.hostname ?? 'rhel9-fixture';
  const selinux = opts.selinux === undefined ? 'enforcing' : opts.selinux;
  const root = join(dir, opts.name ?? 'rhel-like');
  mkdirSync(root, { mode: 0o755 });
  chmodSync(root, 0o755);
  for (const d of ['bin', 'sbin', 'etc', 'etc/sysconfig', 'etc/skel', 'etc/default', 'home', 'usr', 'usr/bin', 'usr/sbin', 'usr/lib', 'usr/share',
    'var', 'var/lib', 'var/lib/rpm', 'var/log', 'var/spool/mail', 'proc', 'sys', 'dev', 'run', 'mnt']) {
    mkdirSync(join(root, d), { recursive: true, mode: 0o755 });
  }
  mkdirSync(join(root, 'root'), { mode: 0o550 });
  chmodSync(join(root, 'root'), 0o550);
  mkdirSync(join(root, 'tmp'));
  chmodSync(join(root, 'tmp'), 0o1777);

  copyFileSync('/bin/busybox', join(root, 'bin/busybox'));
  chmodSync(join(root, 'bin/busybox'), 0o755);
  for (const a of APPLETS) symlinkSync('busybox', join(root, 'bin', a));
  symlinkSync('sh', join(root, 'bin/bash'));
  // systemd-based, as RHEL is (inspection follows /sbin/init); not a working systemd.
  put(root, 'usr/lib/systemd/systemd', '#!/bin/sh\necho "rhel-like test guest: no real systemd" >&2\nexit 1\n', 0o755);
  symlinkSync('../usr/lib/systemd/systemd', join(root, 'sbin/init'));

  const [name, like, pretty] =
    id === 'almalinux'
      ? ['AlmaLinux', 'rhel centos fedora', `AlmaLinux ${version} (Shamrock Pampas Cat)`]
      : ['Red Hat Enterprise Linux', 'fedora', `Red Hat Enterprise Linux ${version} (Plow)`];
  put(root, 'etc/os-release', `NAME="${name}"\nVERSION="${version} (Plow)"\nID="${id}"\nID_LIKE="${like}"\nVERSION_ID="${version}"\nPLATFORM_ID="platform:el9"\nPRETTY_NAME="${pretty}"\n`);
  put(root, 'etc/redhat-release', `${name} release ${version} (Plow)\n`);
  put(root, 'etc/hostname', `${hostname}\n`);
  put(root, 'etc/hosts', RHEL_HOSTS);
  put(root, 'etc/sysconfig/network', opts.sysconfigHostname === false ? '# Created by anaconda\n' : `# Created by anaconda\nNETWORKING=yes\nHOSTNAME=${hostname}\n`);
  put(root, 'etc/locale.conf', 'LANG="en_US.UTF-8"\n');
  put(root, 'etc/login.defs', LOGIN_DEFS);
  put(root, 'etc/default/useradd', 'GROUP=100\nHOME=/home\nINACTIVE=-1\nEXPIRE=\nSHELL=/bin/bash\nSKEL=/etc/skel\nCREATE_MAIL_SPOOL=yes\n', 0o600);
  put(root, 'etc/skel/.bashrc', '# .bashrc\n');
  put(root, 'etc/skel/.bash_profile', '# .bash_profile\n');
  put(root, 'etc/passwd', PASSWD);
  put(root, 'etc/group', GROUP);
  put(root, 'etc/shadow', SHADOW, 0o000);
  put(root, 'etc/gshadow', GSHADOW, 0o000);
  put(root, 'etc/fstab', '/dev/mapper/rhel-root   /   xfs   defaults   0 0\n');
  if (selinux !== null) {
    put(root, 'etc/selinux/config', rhelSelinuxConfig(selinux));
    symlinkSync('../selinux/config', join(root, 'etc/sysconfig/selinux'));
  }
  for (const z of ZONES) {
    const dst = join(root, 'usr/share/zoneinfo', z);
    mkdirSync(dirname(dst), { recursive: true, mode: 0o755 });
    copyFileSync(join('/usr/share/zoneinfo', z), dst);
    chmodSync(dst, 0o644);
  }
  symlinkSync('../usr/share/zoneinfo/UTC', join(root, 'etc/localtime'));
  return root;
}
