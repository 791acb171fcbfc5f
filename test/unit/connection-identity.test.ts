import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { stripIfcfgIdentity, stripKeyfileIdentity } from '../../src/editors/connection-identity.js';

// sysprep's net-nm-identity on real connection files: NetworkManager keyfiles as Fedora and
// RHEL 9 installers write them, one pinned to a MAC address, and ifcfg files of CentOS 7
// (installer and cloud-init) and openSUSE.

const sample = (name: string) => readFileSync(new URL(`samples/network/${name}`, import.meta.url), 'utf8');
const without = (text: string, ...lines: string[]) => text.split('\n').filter((l) => !lines.includes(l)).join('\n');

// A keyfile written by nmcli for a connection bound to one NIC (Rocky 9, `nmcli con add ... mac`),
// with a bridge port's master= naming another connection's UUID, which must stay.
const PINNED = `[connection]
id=lan
uuid=0c9d6c1e-8f63-4b5c-9bd2-1f7f0a0b6c11
type=ethernet
master=3d1f8f34-9a2b-4c61-a7c2-2b8f3c9d0e55
port-type=bridge
interface-name=enp1s0

[ethernet]
mac-address=52:54:00:AB:CD:EF
cloned-mac-address=stable

[bridge-port]
`;

describe('stripKeyfileIdentity', () => {
  it('Fedora DHCP keyfile: only the uuid line goes, byte for byte otherwise', () => {
    const text = sample('fedora-dhcp.nmconnection');
    expect(stripKeyfileIdentity(text)).toBe(without(text, 'uuid=1f0b6f8a-6a11-3a3d-9c5e-0c3b2f6e4f10'));
  });

  it('RHEL 9 static keyfile: comments, routes and DNS stay', () => {
    const text = sample('rhel9-eth0.nmconnection');
    const out = stripKeyfileIdentity(text);
    expect(out).toBe(without(text, 'uuid=5fb06bd0-0bb0-7ffb-45f1-d6edd65f3e03'));
    expect(out).toContain('# lab network, do not change without asking netops\n');
  });

  it('a keyfile pinned to a MAC: uuid and mac-address go; master (another connection), cloned-mac-address stay', () => {
    const out = stripKeyfileIdentity(PINNED);
    expect(out).toBe(without(PINNED, 'uuid=0c9d6c1e-8f63-4b5c-9bd2-1f7f0a0b6c11', 'mac-address=52:54:00:AB:CD:EF'));
    expect(out).toMatch(/^master=3d1f8f34/m);
    expect(out).toMatch(/^cloned-mac-address=stable$/m);
  });

  it('a uuid= outside [connection] is not the connection identity; a file without identity is unchanged', () => {
    const vpn = '[connection]\nid=vpn\ntype=vpn\n\n[vpn]\nuuid=kept\nservice-type=org.freedesktop.NetworkManager.openvpn\n';
    expect(stripKeyfileIdentity(vpn)).toBe(vpn);
    expect(stripKeyfileIdentity('[connection]\n  uuid = 1234\nid=x\n')).toBe('[connection]\nid=x\n');
  });
});

describe('stripIfcfgIdentity', () => {
  it('CentOS 7 installer ifcfg: UUID goes, the static address and the comment stay', () => {
    const text = sample('centos7-ifcfg-eth0');
    expect(stripIfcfgIdentity(text)).toBe(without(text, 'UUID=8a2c3e4f-5b6d-4e7f-9a0b-1c2d3e4f5a6b'));
  });

  it('CentOS 7 cloud-init ifcfg: HWADDR goes', () => {
    const text = sample('centos7-cloud-ifcfg-eth0');
    expect(stripIfcfgIdentity(text)).toBe(without(text, 'HWADDR=52:54:00:12:34:56'));
  });

  it('quoted values go too; MACADDR (the MAC to set), commented lines and NAME stay; openSUSE ifcfg is unchanged', () => {
    const text = 'DEVICE="eth1"\nHWADDR="52:54:00:00:00:01"\nUUID="ab-cd"\nMACADDR=52:54:00:00:00:99\n#HWADDR=00:11:22:33:44:55\nNAME="System eth1"\n';
    expect(stripIfcfgIdentity(text)).toBe('DEVICE="eth1"\nMACADDR=52:54:00:00:00:99\n#HWADDR=00:11:22:33:44:55\nNAME="System eth1"\n');
    const suse = sample('opensuse15-ifcfg-eth0');
    expect(stripIfcfgIdentity(suse)).toBe(suse);
  });
});
