import { describe, expect, it } from 'vitest';
import { parseLinkChanges, parseUnitFiles, withUnitSuffix } from '../../src/parsers/systemctl.js';

// Real systemctl output: Debian 12 (systemd 252) from the e2e fixture, and the wordings of older
// and newer systemd releases.

describe('parseUnitFiles', () => {
  it('reads UNIT STATE PRESET (systemd 245+) with "-" for no preset', () => {
    const text = `proc-sys-fs-binfmt_misc.automount      static   -
cron.service                           enabled  enabled
cryptdisks.service                     masked   enabled
getty@.service                         enabled  enabled
ssh.socket                             disabled enabled

`;
    expect(parseUnitFiles(text)).toEqual([
      { unit: 'proc-sys-fs-binfmt_misc.automount', state: 'static', preset: null },
      { unit: 'cron.service', state: 'enabled', preset: 'enabled' },
      { unit: 'cryptdisks.service', state: 'masked', preset: 'enabled' },
      { unit: 'getty@.service', state: 'enabled', preset: 'enabled' },
      { unit: 'ssh.socket', state: 'disabled', preset: 'enabled' },
    ]);
  });

  it('reads the two-column form of older systemd (CentOS 7, systemd 219)', () => {
    expect(parseUnitFiles('sshd.service                                enabled \ncrond.service enabled\n')).toEqual([
      { unit: 'sshd.service', state: 'enabled', preset: null },
      { unit: 'crond.service', state: 'enabled', preset: null },
    ]);
  });
});

describe('parseLinkChanges', () => {
  it('systemd 252 enable, mask and disable', () => {
    const stderr = `Created symlink /etc/systemd/system/multi-user.target.wants/systemd-networkd.service → /lib/systemd/system/systemd-networkd.service.
Created symlink /etc/systemd/system/console-getty.service → /dev/null.
Removed /etc/systemd/system/sysinit.target.wants/debug-shell.service.

`;
    expect(parseLinkChanges(stderr)).toEqual([
      { action: 'created', link: '/etc/systemd/system/multi-user.target.wants/systemd-networkd.service', target: '/lib/systemd/system/systemd-networkd.service' },
      { action: 'created', link: '/etc/systemd/system/console-getty.service', target: '/dev/null' },
      { action: 'removed', link: '/etc/systemd/system/sysinit.target.wants/debug-shell.service', target: null },
    ]);
  });

  it('older wording (systemd 219) and quoted paths (253+); warnings are not changes', () => {
    const stderr = `Created symlink from /etc/systemd/system/multi-user.target.wants/httpd.service to /usr/lib/systemd/system/httpd.service.
Removed symlink /etc/systemd/system/multi-user.target.wants/httpd.service.
Removed "/etc/systemd/system/timers.target.wants/fstrim.timer".
Created symlink "/etc/systemd/system/x.service" → "/dev/null".
The unit files have no installation config (WantedBy=, RequiredBy=, Also=,
`;
    expect(parseLinkChanges(stderr)).toEqual([
      { action: 'created', link: '/etc/systemd/system/multi-user.target.wants/httpd.service', target: '/usr/lib/systemd/system/httpd.service' },
      { action: 'removed', link: '/etc/systemd/system/multi-user.target.wants/httpd.service', target: null },
      { action: 'removed', link: '/etc/systemd/system/timers.target.wants/fstrim.timer', target: null },
      { action: 'created', link: '/etc/systemd/system/x.service', target: '/dev/null' },
    ]);
  });
});

describe('withUnitSuffix', () => {
  it.each([
    ['ssh', 'ssh.service'],
    ['ssh.socket', 'ssh.socket'],
    ['fstrim.timer', 'fstrim.timer'],
    ['getty@tty1', 'getty@tty1.service'],
  ])('%s -> %s', (a, b) => expect(withUnitSuffix(a)).toBe(b));
});
