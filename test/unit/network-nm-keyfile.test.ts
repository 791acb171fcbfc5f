import { describe, expect, it } from 'vitest';
import type { NetChange } from '../../src/network/model.js';
import { editKeyfile, keyfileInterface, readKeyfile } from '../../src/network/nm-keyfile.js';
import { checked, config, sample } from './network-helpers.js';

const RHEL9 = sample('rhel9-eth0.nmconnection');
const FEDORA = sample('fedora-dhcp.nmconnection');

const edit = checked(editKeyfile);

describe('NetworkManager keyfile reader', () => {
  it('reads a RHEL 9 static keyfile (address with its gateway, dns list, a route)', () => {
    expect(readKeyfile(RHEL9)).toEqual([
      config('eth0', 'static', { addresses: ['192.168.122.50/24'], gateway: '192.168.122.1', dns: ['192.168.122.1'], search: ['lab.example.com'], routes: [{ to: '10.20.0.0/16', via: '192.168.122.254', dev: 'eth0' }] }),
    ]);
  });

  it('reads a Fedora DHCP profile by its interface-name, not its id', () => {
    expect(keyfileInterface(FEDORA)).toBe('enp1s0');
    expect(readKeyfile(FEDORA)).toEqual([config('enp1s0', 'dhcp')]);
  });
});

describe('NetworkManager keyfile editor', () => {
  it('sets a static address on a DHCP profile, gateway and DNS beside it', () => {
    const out = edit(FEDORA, { kind: 'static', iface: 'enp1s0', addresses: ['10.0.0.5/24'], gateway: '10.0.0.1', dns: ['10.0.0.2', '9.9.9.9'] });
    expect(out).toBe(FEDORA.replace('[ipv4]\nmethod=auto\n', '[ipv4]\nmethod=manual\naddress1=10.0.0.5/24\ngateway=10.0.0.1\ndns=10.0.0.2;9.9.9.9;\n'));
    expect(readKeyfile(out)[0]).toMatchObject({ method: 'static', addresses: ['10.0.0.5/24'], gateway: '10.0.0.1', dns: ['10.0.0.2', '9.9.9.9'] });
  });

  it('replaces the address in place, keeps the comment, route and search list', () => {
    const out = edit(RHEL9, { kind: 'static', iface: 'eth0', addresses: ['192.168.122.60/24', '192.168.122.61/24'], gateway: '192.168.122.1' });
    expect(out).toBe(
      RHEL9.replace('address1=192.168.122.50/24,192.168.122.1\n', 'address1=192.168.122.60/24\naddress2=192.168.122.61/24\ngateway=192.168.122.1\n'),
    );
  });

  it('puts IPv6 addresses in [ipv6] and leaves [ipv4] alone', () => {
    const out = edit(RHEL9, { kind: 'static', iface: 'eth0', addresses: ['2001:db8::5/64'], gateway: '2001:db8::1' });
    expect(out).toBe(RHEL9.replace('addr-gen-mode=eui64\nmethod=auto\n', 'addr-gen-mode=eui64\nmethod=manual\naddress1=2001:db8::5/64\ngateway=2001:db8::1\n'));
  });

  it('switches to DHCP: method auto, addresses and gateway gone, DNS and routes kept', () => {
    const out = edit(RHEL9, { kind: 'dhcp', iface: 'eth0' });
    expect(out).toBe(RHEL9.replace('method=manual\n', 'method=auto\n').replace('address1=192.168.122.50/24,192.168.122.1\n', ''));
  });

  it('sets DNS servers and search domains', () => {
    const out = edit(RHEL9, { kind: 'dns', iface: 'eth0', servers: ['1.1.1.1', '2606:4700:4700::1111'], search: ['corp.example', 'example'] });
    expect(out).toBe(
      RHEL9.replace('dns=192.168.122.1;\ndns-search=lab.example.com;\n', 'dns=1.1.1.1;\ndns-search=corp.example;example;\n').replace(
        'method=auto\n\n[proxy]',
        'method=auto\ndns=2606:4700:4700::1111;\n\n[proxy]',
      ),
    );
  });

  it('adds a route after the existing one and removes it again', () => {
    const change: NetChange = { kind: 'route-add', iface: 'eth0', route: { to: '172.16.0.0/12', via: '192.168.122.254' } };
    const out = edit(RHEL9, change);
    expect(out).toBe(RHEL9.replace('route1=10.20.0.0/16,192.168.122.254\n', 'route1=10.20.0.0/16,192.168.122.254\nroute2=172.16.0.0/12,192.168.122.254\n'));
    expect(edit(out, { kind: 'route-remove', iface: 'eth0', to: '172.16.0.0/12' })).toBe(RHEL9);
  });

  it('renumbers the routes that remain when the first is removed', () => {
    const two = editKeyfile(RHEL9, { kind: 'route-add', iface: 'eth0', route: { to: '172.16.0.0/12', via: '192.168.122.254' } });
    expect(edit(two, { kind: 'route-remove', iface: 'eth0', to: '10.20.0.0/16' })).toBe(RHEL9.replace('route1=10.20.0.0/16,', 'route1=172.16.0.0/12,'));
  });

  it('refuses a keyfile bound to another interface', () => {
    expect(() => editKeyfile(RHEL9, { kind: 'dhcp', iface: 'eth1' })).toThrow('this keyfile is for eth0, not eth1');
  });
});
