import { describe, expect, it } from 'vitest';
import { detectStack, type StackFacts } from '../../src/network/detect.js';
import { sample } from './network-helpers.js';

const INTERFACES = { '/etc/network/interfaces': sample('debian12-interfaces') };
const ONLY_LO = { '/etc/network/interfaces': 'auto lo\niface lo inet loopback\n' };

const cases: [string, StackFacts, string | null, string[]][] = [
  ['Ubuntu cloud image', { family: 'debian', files: ['/etc/netplan/50-cloud-init.yaml'], enabledUnits: ['systemd-networkd.service'] }, 'netplan', ['/etc/netplan/50-cloud-init.yaml in /etc/netplan']],
  ['CentOS 7', { family: 'rhel', versionMajor: 7, files: ['/etc/sysconfig/network-scripts/ifcfg-eth0', '/etc/sysconfig/network-scripts/ifcfg-lo'], enabledUnits: ['NetworkManager.service'] }, 'ifcfg', ['/etc/sysconfig/network-scripts/ifcfg-eth0 (RHEL family 7)']],
  ['RHEL 9', { family: 'rhel', versionMajor: 9, files: ['/etc/NetworkManager/system-connections/eth0.nmconnection'], enabledUnits: ['NetworkManager.service'] }, 'networkmanager', ['NetworkManager.service is enabled', 'keyfiles: /etc/NetworkManager/system-connections/eth0.nmconnection']],
  ['RHEL 9 upgraded with only ifcfg', { family: 'rhel', versionMajor: 9, files: ['/etc/sysconfig/network-scripts/ifcfg-eth0'], enabledUnits: ['NetworkManager.service'] }, 'ifcfg', ['/etc/sysconfig/network-scripts/ifcfg-eth0 (no keyfiles beside them)']],
  ['Debian 12 server', { family: 'debian', files: [], interfaces: INTERFACES, enabledUnits: ['networking.service'] }, 'ifupdown', ['/etc/network/interfaces configures ens3', 'networking.service is enabled']],
  ['Debian 12 desktop (only lo in interfaces)', { family: 'debian', files: [], interfaces: ONLY_LO, enabledUnits: ['networking.service', 'NetworkManager.service'] }, 'networkmanager', ['NetworkManager.service is enabled']],
  ['openSUSE Leap', { family: 'suse', files: ['/etc/sysconfig/network/ifcfg-eth0', '/etc/sysconfig/network/ifcfg-lo'], enabledUnits: ['wicked.service'] }, 'wicked', ['wicked.service is enabled', '/etc/sysconfig/network/ifcfg-eth0']],
  ['Arch with networkd', { family: 'other', files: ['/etc/systemd/network/20-wired.network'], enabledUnits: ['systemd-networkd.service'] }, 'networkd', ['systemd-networkd.service is enabled', '/etc/systemd/network/20-wired.network']],
  ['stanzas but networking disabled', { family: 'debian', files: [], interfaces: INTERFACES, enabledUnits: [] }, null, ['/etc/network/interfaces configures ens3 but networking.service is not enabled']],
  ['nothing at all', { family: 'other', files: [], enabledUnits: [] }, null, ['no netplan, ifcfg, interfaces, keyfile or .network configuration and no network service enabled']],
];

describe('detectStack', () => {
  it.each(cases)('%s', (_, facts, stack, evidence) => {
    expect(detectStack(facts)).toEqual({ stack, evidence });
  });
});
