import { describe, expect, it } from 'vitest';
import { editIfcfg, readIfcfg } from '../../src/network/ifcfg.js';
import { editIfcfgRoutes, readIfcfgRoutes } from '../../src/network/ifcfg-routes.js';
import { checked, config, sample } from './network-helpers.js';

const ETH0 = sample('centos7-ifcfg-eth0');
const CLOUD = sample('centos7-cloud-ifcfg-eth0');
const ROUTES = sample('centos7-route-eth0');
const NUMBERED = sample('centos6-route-eth1');

const edit = checked(editIfcfg);

const editRoutes = checked(editIfcfgRoutes);

describe('RHEL ifcfg reader', () => {
  it('reads a CentOS 7 static ifcfg (PREFIX, DNS1.., DOMAIN) and its route file', () => {
    expect(readIfcfg(ETH0, 'eth0')).toEqual([
      config('eth0', 'static', { addresses: ['192.168.122.20/24'], gateway: '192.168.122.1', dns: ['192.168.122.1', '8.8.8.8'], search: ['lab.example.com', 'example.com'] }),
    ]);
    expect(readIfcfgRoutes(ROUTES, 'eth0')).toEqual([{ to: '10.20.0.0/16', via: '192.168.122.254', dev: 'eth0' }]);
  });

  it('reads a cloud-init DHCP ifcfg and the numbered ADDRESSn route form', () => {
    expect(readIfcfg(CLOUD, 'eth0')[0]).toMatchObject({ name: 'eth0', method: 'dhcp', addresses: [] });
    expect(readIfcfgRoutes(NUMBERED, 'eth1')).toEqual([
      { to: '10.30.0.0/16', via: '192.168.50.1', dev: 'eth1' },
      { to: '10.31.0.0/24', via: '192.168.50.1', dev: 'eth1' },
    ]);
  });

  it('reads NETMASK and numbered addresses', () => {
    expect(readIfcfg('BOOTPROTO=static\nIPADDR0=10.1.1.1\nNETMASK0=255.255.255.0\nIPADDR1=10.1.1.2\nPREFIX1=25\n', 'eth2')[0]!.addresses).toEqual(['10.1.1.1/24', '10.1.1.2/25']);
  });
});

describe('RHEL ifcfg editor', () => {
  it('sets a static address on a cloud-init DHCP file, comments kept', () => {
    const out = edit(CLOUD, { kind: 'static', iface: 'eth0', addresses: ['10.0.0.5/24'], gateway: '10.0.0.1', dns: ['10.0.0.2'] });
    expect(out).toBe(CLOUD.replace('BOOTPROTO=dhcp', 'BOOTPROTO=none') + 'IPADDR=10.0.0.5\nPREFIX=24\nGATEWAY=10.0.0.1\nDNS1=10.0.0.2\n');
    expect(readIfcfg(out, 'eth0')[0]).toMatchObject({ method: 'static', addresses: ['10.0.0.5/24'], gateway: '10.0.0.1', dns: ['10.0.0.2'] });
  });

  it('changes the address in place and adds a second one numbered', () => {
    const out = edit(ETH0, { kind: 'static', iface: 'eth0', addresses: ['192.168.122.30/24', '192.168.122.31/24'], gateway: '192.168.122.1' });
    expect(out).toBe(ETH0.replace('IPADDR=192.168.122.20', 'IPADDR=192.168.122.30') + 'IPADDR1=192.168.122.31\nPREFIX1=24\n');
  });

  it('keeps the NETMASK style of a file that uses it', () => {
    const text = 'DEVICE=eth1\nBOOTPROTO=static\nIPADDR=10.1.1.1\nNETMASK=255.255.255.0\n';
    expect(edit(text, { kind: 'static', iface: 'eth1', addresses: ['10.2.2.2/16'] })).toBe('DEVICE=eth1\nBOOTPROTO=static\nIPADDR=10.2.2.2\nNETMASK=255.255.0.0\n');
  });

  it('writes IPv6 addresses to IPV6ADDR and IPV6ADDR_SECONDARIES', () => {
    const out = edit(ETH0, { kind: 'static', iface: 'eth0', addresses: ['2001:db8::5/64', '2001:db8::6/64'], gateway: '2001:db8::1' });
    expect(out).toBe(ETH0 + 'IPV6ADDR=2001:db8::5/64\nIPV6ADDR_SECONDARIES=2001:db8::6/64\nIPV6_DEFAULTGW=2001:db8::1\n');
  });

  it('switches to DHCP: address, prefix and gateway removed, DNS kept', () => {
    const out = edit(ETH0, { kind: 'dhcp', iface: 'eth0' });
    expect(out).toBe(ETH0.replace('BOOTPROTO=none', 'BOOTPROTO=dhcp').replace('IPADDR=192.168.122.20\nPREFIX=24\nGATEWAY=192.168.122.1\n', ''));
  });

  it('sets DNS servers (dropping the extra DNSn) and the search list', () => {
    const out = edit(ETH0, { kind: 'dns', iface: 'eth0', servers: ['1.1.1.1'], search: ['corp.example'] });
    expect(out).toBe(ETH0.replace('DNS1=192.168.122.1\nDNS2=8.8.8.8\n', 'DNS1=1.1.1.1\n').replace('DOMAIN="lab.example.com example.com"', 'DOMAIN="corp.example"'));
  });

  it('leaves the ifcfg file alone for route changes', () => {
    expect(editIfcfg(ETH0, { kind: 'route-add', iface: 'eth0', route: { to: '10.9.0.0/16', via: '192.168.122.254' } })).toBe(ETH0);
  });
});

describe('RHEL route-IFACE editor', () => {
  it('adds a route in the ip form, then removes it', () => {
    const out = editRoutes(ROUTES, { kind: 'route-add', iface: 'eth0', route: { to: '172.16.0.0/12', via: '192.168.122.254' } });
    expect(out).toBe(ROUTES + '172.16.0.0/12 via 192.168.122.254 dev eth0\n');
    expect(editRoutes(out, { kind: 'route-remove', iface: 'eth0', to: '172.16.0.0/12' })).toBe(ROUTES);
  });

  it('creates the file when there is none', () => {
    expect(editRoutes(null, { kind: 'route-add', iface: 'eth0', route: { to: '10.0.0.0/8', via: '192.168.1.1' } })).toBe('10.0.0.0/8 via 192.168.1.1 dev eth0\n');
  });

  it('keeps the numbered form and renumbers on removal', () => {
    const added = editRoutes(NUMBERED, { kind: 'route-add', iface: 'eth1', route: { to: '10.32.0.0/16', via: '192.168.50.1' } });
    expect(added).toBe(NUMBERED + 'ADDRESS2=10.32.0.0\nNETMASK2=255.255.0.0\nGATEWAY2=192.168.50.1\n');
    expect(editRoutes(NUMBERED, { kind: 'route-remove', iface: 'eth1', to: '10.30.0.0/16' })).toBe('ADDRESS0=10.31.0.0\nNETMASK0=255.255.255.0\nGATEWAY0=192.168.50.1\n');
  });
});
