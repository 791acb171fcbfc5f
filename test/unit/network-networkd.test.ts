import { describe, expect, it } from 'vitest';
import { editNetworkd, networkdMatchNames, readNetworkd } from '../../src/network/networkd.js';
import { checked, config, sample } from './network-helpers.js';

const WIRED = sample('networkd-20-wired.network');
const DHCP = sample('networkd-dhcp.network');

const edit = checked(editNetworkd);

describe('systemd-networkd reader', () => {
  it('reads a static .network file with a [Route] section', () => {
    expect(readNetworkd(WIRED)).toEqual([
      config('enp1s0', 'static', { addresses: ['192.168.1.20/24'], gateway: '192.168.1.1', dns: ['192.168.1.1'], search: ['home.arpa'], routes: [{ to: '10.8.0.0/24', via: '192.168.1.254', dev: 'enp1s0' }] }),
    ]);
  });

  it('reads a DHCP file matching a glob', () => {
    expect(networkdMatchNames(DHCP)).toEqual(['en*']);
    expect(readNetworkd(DHCP)[0]).toMatchObject({ name: 'en*', method: 'dhcp', addresses: [] });
  });
});

describe('systemd-networkd editor', () => {
  it('sets a static address on a DHCP file', () => {
    const out = edit(DHCP, { kind: 'static', iface: 'enp1s0', addresses: ['10.0.0.5/24', '2001:db8::5/64'], gateway: '10.0.0.1', dns: ['10.0.0.2', '9.9.9.9'] });
    expect(out).toBe('[Match]\nName=en*\n\n[Network]\nAddress=10.0.0.5/24\nAddress=2001:db8::5/64\nGateway=10.0.0.1\nDNS=10.0.0.2 9.9.9.9\n');
  });

  it('changes the address in place, comments and the route kept', () => {
    const out = edit(WIRED, { kind: 'static', iface: 'enp1s0', addresses: ['192.168.1.30/24'], gateway: '192.168.1.1' });
    expect(out).toBe(WIRED.replace('Address=192.168.1.20/24', 'Address=192.168.1.30/24'));
  });

  it('switches to DHCP: Address and Gateway removed', () => {
    const out = edit(WIRED, { kind: 'dhcp', iface: 'enp1s0' });
    expect(out).toBe(WIRED.replace('Address=192.168.1.20/24\nGateway=192.168.1.1\n', 'DHCP=yes\n'));
  });

  it('removes [Address] sections when the addresses are replaced', () => {
    const text = '[Match]\nName=eth0\n\n[Network]\nDHCP=no\n\n[Address]\nAddress=10.1.1.1/24\n\n[Address]\nAddress=10.1.1.2/24\n';
    expect(readNetworkd(text)[0]!.addresses).toEqual(['10.1.1.1/24', '10.1.1.2/24']);
    expect(edit(text, { kind: 'static', iface: 'eth0', addresses: ['10.1.1.3/24'] })).toBe('[Match]\nName=eth0\n\n[Network]\nAddress=10.1.1.3/24\n');
  });

  it('sets DNS and search domains', () => {
    const out = edit(WIRED, { kind: 'dns', iface: 'enp1s0', servers: ['1.1.1.1', '1.0.0.1'], search: ['corp.example', 'example'] });
    expect(out).toBe(WIRED.replace('DNS=192.168.1.1\nDomains=home.arpa', 'DNS=1.1.1.1 1.0.0.1\nDomains=corp.example example'));
  });

  it('adds a [Route] section and removes it again', () => {
    const out = edit(WIRED, { kind: 'route-add', iface: 'enp1s0', route: { to: '172.16.0.0/12', via: '192.168.1.254' } });
    expect(out).toBe(WIRED + '\n[Route]\nDestination=172.16.0.0/12\nGateway=192.168.1.254\n');
    expect(edit(out, { kind: 'route-remove', iface: 'enp1s0', to: '172.16.0.0/12' })).toBe(WIRED);
    expect(edit(WIRED, { kind: 'route-remove', iface: 'enp1s0', to: '10.8.0.0/24', via: '192.168.1.254' })).toBe(WIRED.replace('\n[Route]\nDestination=10.8.0.0/24\nGateway=192.168.1.254\n', ''));
  });
});
