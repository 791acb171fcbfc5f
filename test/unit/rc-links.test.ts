import { describe, expect, it } from 'vitest';
import { inittabDefault, openrcServices, rcLinkChanges, sysvBootLevels, sysvServices } from '../../src/services/rc-links.js';

// The rc-link readers on listings as real guests have them.

describe('inittabDefault', () => {
  it.each([
    ['id:2:initdefault:\n', '2'], // Debian sysvinit-core
    ['# Default runlevel.\nid:3:initdefault:\nsi::sysinit:/etc/rc.d/rc.sysinit\n', '3'], // CentOS 6
    ['#id:5:initdefault:\n', null],
    ['::sysinit:/sbin/openrc sysinit\n', null], // Alpine's busybox inittab
  ])('%j → %s', (text, level) => expect(inittabDefault(text)).toBe(level));

  it('boot levels: rcS.d and the default, or 2-5', () => {
    expect(sysvBootLevels('3')).toEqual(['S', '3']);
    expect(sysvBootLevels(null)).toEqual(['S', '2', '3', '4', '5']);
  });
});

describe('sysvServices', () => {
  // Debian 11 with sysvinit-core, rsync turned off with `update-rc.d rsync disable`.
  const debian = [
    { runlevel: 'S', entries: [{ name: 'S01udev', target: '../init.d/udev' }, { name: 'S02hwclock.sh', target: '../init.d/hwclock.sh' }] },
    { runlevel: '0', entries: [{ name: 'K01hwclock.sh', target: '../init.d/hwclock.sh' }, { name: 'K01ssh', target: '../init.d/ssh' }] },
    { runlevel: '2', entries: [{ name: 'S01cron', target: '../init.d/cron' }, { name: 'S01ssh', target: '../init.d/ssh' }, { name: 'K01rsync', target: '../init.d/rsync' }, { name: 'README', target: '' }] },
    { runlevel: '3', entries: [{ name: 'S01cron', target: '../init.d/cron' }, { name: 'S01ssh', target: '../init.d/ssh' }, { name: 'K01rsync', target: '../init.d/rsync' }] },
  ];

  it('Debian: enabled by an S link in rcS.d or a default runlevel, named by the link target', () => {
    expect(sysvServices(['ssh', 'cron', 'rsync', 'udev', 'hwclock.sh', 'kmod'], debian, sysvBootLevels('2'))).toEqual([
      { unit: 'cron', state: 'enabled', preset: null, runlevels: ['2', '3'] },
      { unit: 'hwclock.sh', state: 'enabled', preset: null, runlevels: ['S'] },
      { unit: 'kmod', state: 'disabled', preset: null, runlevels: [] },
      { unit: 'rsync', state: 'disabled', preset: null, runlevels: [] },
      { unit: 'ssh', state: 'enabled', preset: null, runlevels: ['2', '3'] },
      { unit: 'udev', state: 'enabled', preset: null, runlevels: ['S'] },
    ]);
  });

  it('CentOS 6: only runlevel 3 counts when inittab says 3; a link renamed by hand still names its target', () => {
    const centos = [
      { runlevel: '2', entries: [{ name: 'S90crond', target: '../init.d/crond' }] },
      { runlevel: '3', entries: [{ name: 'S55sshd', target: '../init.d/sshd' }, { name: 'K50netfs', target: '../init.d/netfs' }, { name: 'S99local', target: '../rc.local' }] },
    ];
    expect(sysvServices(['crond', 'netfs', 'sshd'], centos, sysvBootLevels('3')).map((r) => `${r.unit} ${r.state} ${r.runlevels.join(',')}`)).toEqual([
      'crond disabled 2',
      'netfs disabled ',
      'sshd enabled 3',
    ]);
  });
});

describe('openrcServices', () => {
  it('Alpine: enabled in sysinit, boot or default; other runlevels listed after them', () => {
    const dirs = [
      { runlevel: 'boot', entries: [{ name: 'hostname', target: '/etc/init.d/hostname' }, { name: 'networking', target: '/etc/init.d/networking' }] },
      { runlevel: 'default', entries: [{ name: 'sshd', target: '/etc/init.d/sshd' }] },
      { runlevel: 'nonetwork', entries: [] },
      { runlevel: 'shutdown', entries: [{ name: 'killprocs', target: '/etc/init.d/killprocs' }] },
      { runlevel: 'sysinit', entries: [{ name: 'devfs', target: '/etc/init.d/devfs' }, { name: 'networking', target: '/etc/init.d/networking' }] },
    ];
    expect(openrcServices(['sshd', 'crond', 'devfs', 'hostname', 'killprocs', 'networking'], dirs)).toEqual([
      { unit: 'crond', state: 'disabled', preset: null, runlevels: [] },
      { unit: 'devfs', state: 'enabled', preset: null, runlevels: ['sysinit'] },
      { unit: 'hostname', state: 'enabled', preset: null, runlevels: ['boot'] },
      { unit: 'killprocs', state: 'disabled', preset: null, runlevels: ['shutdown'] },
      { unit: 'networking', state: 'enabled', preset: null, runlevels: ['sysinit', 'boot'] },
      { unit: 'sshd', state: 'enabled', preset: null, runlevels: ['default'] },
    ]);
  });
});

describe('rcLinkChanges', () => {
  it('a renamed link is removed and created; unchanged links are not listed', () => {
    const before = new Map([['/etc/rc2.d/S01ssh', '../init.d/ssh'], ['/etc/rc2.d/S01cron', '../init.d/cron']]);
    const after = new Map([['/etc/rc2.d/K01ssh', '../init.d/ssh'], ['/etc/rc2.d/S01cron', '../init.d/cron']]);
    expect(rcLinkChanges(before, after)).toEqual([
      { action: 'removed', link: '/etc/rc2.d/S01ssh', target: null },
      { action: 'created', link: '/etc/rc2.d/K01ssh', target: '../init.d/ssh' },
    ]);
  });
});
