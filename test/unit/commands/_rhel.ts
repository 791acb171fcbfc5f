import { dir, fakeGuest, file, link, type FakeGuest, type FileSpec } from '../../helpers/fake-guest.js';
import { GROUP, GSHADOW, LOGIN_DEFS, PASSWD, RHEL_HOSTS, SHADOW, rhelSelinuxConfig, type RhelLikeOptions } from '../../helpers/rhel-like.js';

// The e2e rhelLike() directory guest (test/helpers/rhel-like.ts) as a fake guest: the same
// files, owners and modes, without busybox (a program the test does not script is missing).

/** A TZif header (44 bytes) is all the commands check. */
export const TZIF = Buffer.concat([Buffer.from('TZif2'), Buffer.alloc(39)]);
export const zones = (...names: string[]): Record<string, FileSpec> => Object.fromEntries(names.map((z) => [`/usr/share/zoneinfo/${z}`, TZIF]));

export function rhelGuest(opts: Omit<RhelLikeOptions, 'name'> = {}): FakeGuest {
  const id = opts.id ?? 'rhel';
  const version = opts.versionId ?? '9.3';
  const hostname = opts.hostname ?? 'rhel9-fixture';
  const selinux = opts.selinux === undefined ? 'enforcing' : opts.selinux;
  const dirs = ['/bin', '/sbin', '/etc/skel', '/home', '/usr/bin', '/usr/sbin', '/var/lib/rpm', '/var/log', '/var/spool/mail', '/proc', '/sys', '/dev', '/run', '/mnt'];
  return fakeGuest({
    kind: 'directory',
    name: 'rhel-like',
    os: { type: 'linux', distro: id, version, packageFormat: 'rpm', packageManager: 'dnf', initSystem: 'systemd', hostname },
    files: {
      ...Object.fromEntries(dirs.map((d) => [d, dir()])),
      '/root': dir({ mode: 0o550 }),
      '/tmp': dir({ mode: 0o1777 }),
      '/bin/bash': link('sh'),
      '/etc/os-release': `ID="${id}"\nVERSION_ID="${version}"\n`,
      '/etc/redhat-release': `Red Hat Enterprise Linux release ${version} (Plow)\n`,
      '/etc/hostname': `${hostname}\n`,
      '/etc/hosts': RHEL_HOSTS,
      '/etc/sysconfig/network': opts.sysconfigHostname === false ? '# Created by anaconda\n' : `# Created by anaconda\nNETWORKING=yes\nHOSTNAME=${hostname}\n`,
      '/etc/locale.conf': 'LANG="en_US.UTF-8"\n',
      '/etc/login.defs': LOGIN_DEFS,
      '/etc/default/useradd': file('GROUP=100\nHOME=/home\nINACTIVE=-1\nEXPIRE=\nSHELL=/bin/bash\nSKEL=/etc/skel\nCREATE_MAIL_SPOOL=yes\n', { mode: 0o600 }),
      '/etc/skel/.bashrc': '# .bashrc\n',
      '/etc/skel/.bash_profile': '# .bash_profile\n',
      '/etc/passwd': PASSWD,
      '/etc/group': GROUP,
      '/etc/shadow': file(SHADOW, { mode: 0 }),
      '/etc/gshadow': file(GSHADOW, { mode: 0 }),
      '/etc/fstab': '/dev/mapper/rhel-root   /   xfs   defaults   0 0\n',
      ...(selinux === null ? {} : { '/etc/selinux/config': rhelSelinuxConfig(selinux), '/etc/sysconfig/selinux': link('../selinux/config') }),
      ...zones('UTC', 'Etc/UTC', 'Europe/Berlin', 'America/New_York', 'Asia/Tokyo'),
      '/etc/localtime': link('../usr/share/zoneinfo/UTC'),
    },
  });
}
