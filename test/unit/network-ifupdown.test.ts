import { describe, expect, it } from 'vitest';
import { editIfupdown, ifupdownFileOf, readIfupdown } from '../../src/network/ifupdown.js';
import { ifupdownFiles } from '../../src/network/ifupdown-includes.js';
import { checked, config, sample } from './network-helpers.js';

const MAIN = sample('debian12-interfaces');
const ENS4 = sample('debian12-interfaces.d-ens4');
const FILES = {
  '/etc/network/interfaces': MAIN,
  '/etc/network/interfaces.d/ens4': ENS4,
  '/etc/network/interfaces.d/old.cfg': sample('debian12-interfaces.d-old.cfg'),
};

const edit = checked(editIfupdown);

describe('ifupdown reader', () => {
  it('follows source-directory, skipping names run-parts would skip', () => {
    expect(ifupdownFiles(FILES)).toEqual(['/etc/network/interfaces', '/etc/network/interfaces.d/ens4']);
    expect(ifupdownFiles({ '/etc/network/interfaces': 'source interfaces.d/*\n', '/etc/network/interfaces.d/a.cfg': '' })).toEqual([
      '/etc/network/interfaces',
      '/etc/network/interfaces.d/a.cfg',
    ]);
  });

  it('reads every interface, netmask folded into the prefix, inet6 merged, loopback left out', () => {
    expect(readIfupdown(FILES)).toEqual([
      config('ens3', 'dhcp'),
      config('ens4', 'static', { addresses: ['10.10.0.5/24', '2001:db8:10::5/64'], gateway: '10.10.0.1', dns: ['10.10.0.1', '9.9.9.9'], search: ['storage.example.com'], routes: [{ to: '10.20.0.0/16', via: '10.10.0.254', dev: 'ens4' }] }),
    ]);
    expect(ifupdownFileOf(FILES, 'ens4')).toBe('/etc/network/interfaces.d/ens4');
    expect(ifupdownFileOf(FILES, 'ens9')).toBeUndefined();
  });
});

describe('ifupdown editor', () => {
  it('turns the installer DHCP stanza static, options indented like the file (tab by default)', () => {
    const out = edit(MAIN, { kind: 'static', iface: 'ens3', addresses: ['192.168.1.10/24'], gateway: '192.168.1.1', dns: ['192.168.1.1'] });
    expect(out).toBe(MAIN.replace('iface ens3 inet dhcp\n', 'iface ens3 inet static\n\taddress 192.168.1.10/24\n\tgateway 192.168.1.1\n\tdns-nameservers 192.168.1.1\n'));
  });

  it('replaces address and netmask with one CIDR address, other options kept', () => {
    const out = edit(ENS4, { kind: 'static', iface: 'ens4', addresses: ['10.10.0.6/24'], gateway: '10.10.0.1' });
    expect(out).toBe(ENS4.replace('\taddress 10.10.0.5\n\tnetmask 255.255.255.0\n', '\taddress 10.10.0.6/24\n'));
  });

  it('writes an IPv6 address into the inet6 stanza', () => {
    const out = edit(ENS4, { kind: 'static', iface: 'ens4', addresses: ['2001:db8:10::6/64'] });
    expect(out).toBe(ENS4.replace('2001:db8:10::5/64', '2001:db8:10::6/64'));
  });

  it('switches to DHCP: addressing options gone, DNS and routes kept', () => {
    const out = edit(ENS4, { kind: 'dhcp', iface: 'ens4' });
    expect(out).toBe(ENS4.replace('inet static\n\taddress 10.10.0.5\n\tnetmask 255.255.255.0\n\tgateway 10.10.0.1\n', 'inet dhcp\n'));
  });

  it('adds a stanza (with auto) for an interface the file does not have', () => {
    expect(edit(MAIN, { kind: 'dhcp', iface: 'ens5' })).toBe(MAIN + '\nauto ens5\niface ens5 inet dhcp\n');
  });

  it('sets DNS servers and search domains', () => {
    const out = edit(ENS4, { kind: 'dns', iface: 'ens4', servers: ['1.1.1.1'], search: ['corp.example'] });
    expect(out).toBe(ENS4.replace('dns-nameservers 10.10.0.1 9.9.9.9\n\tdns-search storage.example.com', 'dns-nameservers 1.1.1.1\n\tdns-search corp.example'));
  });

  it('adds an up ip route line after the existing one and removes it again', () => {
    const out = edit(ENS4, { kind: 'route-add', iface: 'ens4', route: { to: '172.16.0.0/12', via: '10.10.0.254' } });
    const line = '\tup ip route add 10.20.0.0/16 via 10.10.0.254 dev ens4\n';
    expect(out).toBe(ENS4.replace(line, `${line}\tup ip route add 172.16.0.0/12 via 10.10.0.254 dev ens4\n`));
    expect(edit(out, { kind: 'route-remove', iface: 'ens4', to: '172.16.0.0/12' })).toBe(ENS4);
  });

  it('refuses DNS or routes for an interface without a stanza in the file', () => {
    expect(() => editIfupdown(MAIN, { kind: 'dns', iface: 'ens9', servers: ['1.1.1.1'] })).toThrow('no iface ens9 stanza in this file');
  });
});
