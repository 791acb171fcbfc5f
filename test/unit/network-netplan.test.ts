import { describe, expect, it } from 'vitest';
import { editNetplan, editNetplanFiles, NETPLAN_FILE_MODE, NETPLAN_NEW_FILE, netplanFileFor, netplanFiles, readNetplan } from '../../src/network/netplan.js';
import type { NetChange } from '../../src/network/model.js';
import { netplanComplaint, parseGenerated } from '../../src/network/netplan-validate.js';
import { checked, config, sample } from './network-helpers.js';

const CLOUD = sample('ubuntu2204-50-cloud-init.yaml');
const SUBIQUITY_2004 = sample('ubuntu2004-00-installer-config.yaml');
const SUBIQUITY_2204 = sample('ubuntu2204-00-installer-config.yaml');
const DESKTOP = sample('ubuntu-desktop-01-network-manager-all.yaml');
const SET_NAME = sample('netplan-match-set-name.yaml');
const ADDRESS_OPTIONS = sample('netplan-address-options.yaml');
const OVERRIDE = sample('netplan-90-static-override.yaml');

const CLOUD_HEADER = CLOUD.slice(0, CLOUD.indexOf('network:'));
const edit = checked(editNetplan);
const one = (text: string) => readNetplan({ '/etc/netplan/x.yaml': text });
/** Edit, then read the result back as netplan would. */
const roundTrip = (text: string, change: NetChange) => one(edit(text, change));

describe('netplan reader', () => {
  it('reads cloud-init DHCP, named by set-name', () => {
    expect(one(CLOUD)).toEqual([config('enp1s0', 'dhcp')]);
  });

  it('reads the installer files: gateway4 (20.04) and routes to: default (22.04)', () => {
    expect(one(SUBIQUITY_2004)).toEqual([config('enp1s0', 'static', { addresses: ['192.168.122.10/24'], gateway: '192.168.122.1', dns: ['192.168.122.1'] })]);
    expect(one(SUBIQUITY_2204)).toEqual([config('enp1s0', 'static', { addresses: ['10.0.2.50/24'], gateway: '10.0.2.2', dns: ['10.0.2.3'] })]);
  });

  it('reads match + set-name, 0.0.0.0/0 as the gateway, other routes with their device', () => {
    expect(one(SET_NAME)).toEqual([
      config('lan0', 'static', { addresses: ['10.0.0.5/24'], gateway: '10.0.0.1', routes: [{ to: '172.16.0.0/12', via: '10.0.0.254', dev: 'lan0' }] }),
    ]);
  });

  it('reads the address mapping form, nameservers and a bridge (dhcp4: yes)', () => {
    expect(one(ADDRESS_OPTIONS)).toEqual([
      config('enp3s0', 'static', { addresses: ['10.100.1.38/24', '10.100.1.39/24', '2001:db8:1::38/64'], gateway: '10.100.1.1', dns: ['10.100.1.1', '1.1.1.1'], search: ['mydomain', 'otherdomain'] }),
      config('br0', 'dhcp'),
    ]);
  });

  it('defines nothing in the desktop file that hands everything to NetworkManager', () => {
    expect(one(DESKTOP)).toEqual([]);
  });

  it('merges files in lexical order: scalars overridden, mappings merged', () => {
    const files = { '/etc/netplan/90-static.yaml': OVERRIDE, '/etc/netplan/50-cloud-init.yaml': CLOUD };
    expect(netplanFiles(files)).toEqual(['/etc/netplan/50-cloud-init.yaml', '/etc/netplan/90-static.yaml']);
    expect(readNetplan(files)).toEqual([config('enp1s0', 'static', { addresses: ['192.0.2.10/24'], gateway: '192.0.2.1' })]);
  });

  it('concatenates sequences across files, as netplan does', () => {
    const a = 'network:\n  ethernets:\n    eth0:\n      addresses: [10.0.0.1/24]\n';
    const b = 'network:\n  ethernets:\n    eth0:\n      addresses: [10.0.0.2/24]\n';
    expect(readNetplan({ '/etc/netplan/10-a.yaml': a, '/lib/netplan/20-b.yaml': b })[0]!.addresses).toEqual(['10.0.0.1/24', '10.0.0.2/24']);
  });

  it('lets /run shadow /etc and /etc shadow /lib by basename; only *.yaml counts', () => {
    const files = { '/lib/netplan/50-x.yaml': OVERRIDE, '/etc/netplan/50-x.yaml': CLOUD, '/run/netplan/10-y.yaml': DESKTOP, '/etc/netplan/60-z.yml': SET_NAME };
    expect(netplanFiles(files)).toEqual(['/run/netplan/10-y.yaml', '/etc/netplan/50-x.yaml']);
    expect(readNetplan(files)).toEqual([config('enp1s0', 'dhcp')]);
  });

  it('names the file of a YAML error', () => {
    expect(() => readNetplan({ '/etc/netplan/bad.yaml': 'network:\n  ethernets: [\n' })).toThrow(/^\/etc\/netplan\/bad\.yaml: /);
  });
});

describe('netplan: which file to edit', () => {
  it('takes the last /etc/netplan file defining the interface, else a file of our own', () => {
    const files = { '/etc/netplan/50-cloud-init.yaml': CLOUD, '/etc/netplan/90-static.yaml': OVERRIDE, '/etc/netplan/01-network-manager-all.yaml': DESKTOP };
    expect(netplanFileFor(files, 'enp1s0')).toBe('/etc/netplan/90-static.yaml');
    expect(netplanFileFor({ '/etc/netplan/50-cloud-init.yaml': CLOUD }, 'enp1s0')).toBe('/etc/netplan/50-cloud-init.yaml');
    expect(netplanFileFor({ '/etc/netplan/x.yaml': SET_NAME }, 'lan0')).toBe('/etc/netplan/x.yaml');
    expect(netplanFileFor(files, 'enp7s0')).toBe(NETPLAN_NEW_FILE);
    expect(NETPLAN_FILE_MODE).toBe(0o600);
  });
});

describe('netplan editor', () => {
  it('writes a new file from nothing', () => {
    const out = edit('', { kind: 'static', iface: 'ens3', addresses: ['10.0.0.5/24'], gateway: '10.0.0.1', dns: ['10.0.0.2'] });
    expect(out).toBe('network:\n  version: 2\n  ethernets:\n    ens3:\n      dhcp4: false\n      addresses:\n        - 10.0.0.5/24\n      routes:\n        - to: default\n          via: 10.0.0.1\n      nameservers:\n        addresses:\n          - 10.0.0.2\n');
    expect(one(out)).toEqual([config('ens3', 'static', { addresses: ['10.0.0.5/24'], gateway: '10.0.0.1', dns: ['10.0.0.2'] })]);
  });

  it('turns cloud-init DHCP static: header comment, match and 4-space indentation kept', () => {
    const out = edit(CLOUD, { kind: 'static', iface: 'enp1s0', addresses: ['192.168.1.10/24'], gateway: '192.168.1.1' });
    expect(out).toBe(
      CLOUD.replace(
        '            dhcp4: true\n            match:\n                macaddress: 52:54:00:4a:1e:77\n            set-name: enp1s0\n',
        '            dhcp4: false\n            match:\n                macaddress: 52:54:00:4a:1e:77\n            set-name: enp1s0\n' +
          '            addresses:\n                - 192.168.1.10/24\n            routes:\n                - to: default\n                  via: 192.168.1.1\n',
      ),
    );
    expect(out.startsWith(CLOUD_HEADER)).toBe(true);
    expect(one(out)).toEqual([config('enp1s0', 'static', { addresses: ['192.168.1.10/24'], gateway: '192.168.1.1' })]);
    expect(edit(out, { kind: 'dhcp', iface: 'enp1s0' })).toBe(CLOUD);
  });

  it('replaces a gateway4 in place (subiquity 20.04), sequences level with their key as the file has them', () => {
    const out = edit(SUBIQUITY_2004, { kind: 'static', iface: 'enp1s0', addresses: ['192.168.122.20/24'], gateway: '192.168.122.254' });
    expect(out).toBe(
      SUBIQUITY_2004.replace('      addresses:\n      - 192.168.122.10/24\n      gateway4: 192.168.122.1\n', '      dhcp4: false\n      addresses:\n      - 192.168.122.20/24\n      gateway4: 192.168.122.254\n'),
    );
  });

  it('changes the default route of subiquity 22.04 in place', () => {
    const out = edit(SUBIQUITY_2204, { kind: 'static', iface: 'enp1s0', addresses: ['10.0.2.60/24'], gateway: '10.0.2.1', dns: ['10.0.2.1', '9.9.9.9'] });
    expect(out).toBe(
      SUBIQUITY_2204.replace('      addresses:\n      - 10.0.2.50/24\n', '      dhcp4: false\n      addresses:\n      - 10.0.2.60/24\n')
        .replace('        - 10.0.2.3\n', '        - 10.0.2.1\n        - 9.9.9.9\n')
        .replace('via: 10.0.2.2', 'via: 10.0.2.1'),
    );
  });

  it('does not turn an IPv6 default route into the IPv4 one', () => {
    const text = 'network:\n  ethernets:\n    eth0:\n      routes:\n        - to: default\n          via: 2001:db8::1\n';
    expect(edit(text, { kind: 'static', iface: 'eth0', addresses: ['10.0.0.5/24'], gateway: '10.0.0.1' })).toBe(
      'network:\n  ethernets:\n    eth0:\n      dhcp4: false\n      addresses:\n        - 10.0.0.5/24\n      routes:\n        - to: default\n          via: 10.0.0.1\n',
    );
  });

  it('switches subiquity static to DHCP: addresses and gateway gone, nameservers kept', () => {
    expect(edit(SUBIQUITY_2004, { kind: 'dhcp', iface: 'enp1s0' })).toBe(
      SUBIQUITY_2004.replace('      addresses:\n      - 192.168.122.10/24\n      gateway4: 192.168.122.1\n', '      dhcp4: true\n'),
    );
    expect(roundTrip(SUBIQUITY_2204, { kind: 'dhcp', iface: 'enp1s0' })).toEqual([config('enp1s0', 'dhcp', { dns: ['10.0.2.3'] })]);
  });

  it('keeps an address with options when it stays, in the flow style of the file', () => {
    const out = edit(ADDRESS_OPTIONS, { kind: 'static', iface: 'enp3s0', addresses: ['10.100.1.38/24', '10.100.1.40/24'], gateway: '10.100.1.1' });
    expect(out).toBe(ADDRESS_OPTIONS.replace('        - 10.100.1.39/24\n        - "2001:db8:1::38/64"\n', '        - 10.100.1.40/24\n').replace('    enp3s0:\n', '    enp3s0:\n      dhcp4: false\n'));
    expect(out).toContain('label: "enp3s0:0"');
    const dns = edit(ADDRESS_OPTIONS, { kind: 'dns', iface: 'enp3s0', servers: ['9.9.9.9'], search: ['corp.example'] });
    expect(dns).toBe(ADDRESS_OPTIONS.replace('search: [mydomain, otherdomain]', 'search: [corp.example]').replace('addresses: [10.100.1.1, 1.1.1.1]', 'addresses: [9.9.9.9]'));
  });

  it('edits a definition found by set-name under its own id', () => {
    const out = edit(SET_NAME, { kind: 'static', iface: 'lan0', addresses: ['10.0.0.6/24'], gateway: '10.0.0.1' });
    expect(out).toBe(SET_NAME.replace('      addresses: [10.0.0.5/24]\n', '      dhcp4: false\n      addresses: [10.0.0.6/24]\n'));
  });

  it('adds an interface to the NetworkManager desktop file, renderer kept', () => {
    const out = edit(DESKTOP, { kind: 'dhcp', iface: 'enp1s0' });
    expect(out).toBe(DESKTOP + '  ethernets:\n    enp1s0:\n      dhcp4: true\n');
  });

  it('sets DNS, and removes nameservers when emptied', () => {
    const out = edit(CLOUD, { kind: 'dns', iface: 'enp1s0', servers: ['1.1.1.1'], search: ['example.com'] });
    expect(one(out)).toEqual([config('enp1s0', 'dhcp', { dns: ['1.1.1.1'], search: ['example.com'] })]);
    expect(edit(out, { kind: 'dns', iface: 'enp1s0', servers: [], search: [] })).toBe(CLOUD);
  });

  it('adds a route and removes it again; removing the default route removes gateway4', () => {
    const out = edit(SET_NAME, { kind: 'route-add', iface: 'lan0', route: { to: '192.168.50.0/24', via: '10.0.0.253' } });
    expect(out).toBe(SET_NAME + '        - to: 192.168.50.0/24\n          via: 10.0.0.253\n');
    expect(edit(out, { kind: 'route-remove', iface: 'lan0', to: '192.168.50.0/24' })).toBe(SET_NAME);
    expect(edit(SET_NAME, { kind: 'route-remove', iface: 'lan0', to: 'default', via: '10.0.0.1' })).toBe(SET_NAME.replace('        - to: 0.0.0.0/0\n          via: 10.0.0.1\n', ''));
    expect(edit(SUBIQUITY_2004, { kind: 'route-remove', iface: 'enp1s0', to: 'default' })).toBe(SUBIQUITY_2004.replace('      gateway4: 192.168.122.1\n', ''));
    expect(edit(CLOUD, { kind: 'route-add', iface: 'enp1s0', route: { to: '10.8.0.0/24', via: '192.168.1.254' } })).toBe(
      CLOUD.replace('    version: 2\n', '            routes:\n                - to: 10.8.0.0/24\n                  via: 192.168.1.254\n    version: 2\n'),
    );
  });

  it('leaves a file without the interface as it was on route-remove', () => {
    expect(edit(DESKTOP, { kind: 'route-remove', iface: 'enp1s0', to: '10.0.0.0/8' })).toBe(DESKTOP);
    expect(edit('', { kind: 'route-remove', iface: 'enp1s0', to: '10.0.0.0/8' })).toBe('');
  });
});

describe('netplan: a change over several files', () => {
  const FILES = { '/etc/netplan/50-cloud-init.yaml': CLOUD, '/etc/netplan/90-static.yaml': OVERRIDE };
  const apply = (files: Record<string, string>, change: NetChange) => ({ ...files, ...editNetplanFiles(files, change) });

  it('edits the override file only when it holds everything', () => {
    const out = editNetplanFiles(FILES, { kind: 'static', iface: 'enp1s0', addresses: ['192.0.2.20/24'], gateway: '192.0.2.1' });
    expect(out).toEqual({ '/etc/netplan/90-static.yaml': OVERRIDE.replace('192.0.2.10/24', '192.0.2.20/24') });
  });

  it('removes from earlier files the addresses netplan would append to the new ones', () => {
    const files = { '/etc/netplan/00-installer-config.yaml': SUBIQUITY_2004, '/etc/netplan/90-static.yaml': OVERRIDE };
    expect(readNetplan(files)[0]!.addresses).toEqual(['192.168.122.10/24', '192.0.2.10/24']);
    const change: NetChange = { kind: 'static', iface: 'enp1s0', addresses: ['192.0.2.30/24'], gateway: '192.0.2.1', dns: ['192.0.2.53'] };
    const out = editNetplanFiles(files, change);
    expect(Object.keys(out).sort()).toEqual(['/etc/netplan/00-installer-config.yaml', '/etc/netplan/90-static.yaml']);
    expect(out['/etc/netplan/00-installer-config.yaml']).toBe(
      SUBIQUITY_2004.replace('      addresses:\n      - 192.168.122.10/24\n      gateway4: 192.168.122.1\n', '').replace('        addresses:\n        - 192.168.122.1\n', ''),
    );
    const after = apply(files, change);
    expect(readNetplan(after)).toEqual([config('enp1s0', 'static', { addresses: ['192.0.2.30/24'], gateway: '192.0.2.1', dns: ['192.0.2.53'] })]);
    expect(editNetplanFiles(after, change)).toEqual({});
  });

  it('switches the merged result to DHCP', () => {
    const after = apply(FILES, { kind: 'dhcp', iface: 'enp1s0' });
    expect(after['/etc/netplan/50-cloud-init.yaml']).toBe(CLOUD);
    expect(readNetplan(after)).toEqual([config('enp1s0', 'dhcp')]);
  });

  it('creates our own file for an interface nobody defines, and adds a route only once', () => {
    const out = editNetplanFiles({ '/etc/netplan/01-network-manager-all.yaml': DESKTOP }, { kind: 'dhcp', iface: 'enp2s0' });
    expect(out).toEqual({ [NETPLAN_NEW_FILE]: 'network:\n  version: 2\n  ethernets:\n    enp2s0:\n      dhcp4: true\n' });
    expect(editNetplanFiles(FILES, { kind: 'route-add', iface: 'enp1s0', route: { to: 'default', via: '192.0.2.1' } })).toEqual({});
  });

  it('removes a route from every file that has it', () => {
    const files = { '/etc/netplan/10-a.yaml': SET_NAME, '/etc/netplan/20-b.yaml': 'network:\n  ethernets:\n    lan:\n      routes:\n        - to: 172.16.0.0/12\n          via: 10.0.0.254\n' };
    const after = apply(files, { kind: 'route-remove', iface: 'lan0', to: '172.16.0.0/12' });
    expect(readNetplan(after)[0]!.routes).toEqual([]);
    expect(after['/etc/netplan/20-b.yaml']).toBe('network:\n  ethernets:\n    lan: {}\n');
  });
});

describe('netplan generate output', () => {
  it("picks netplan's error line, without the private root, over its warnings", () => {
    const stderr =
      '** (generate:12): WARNING **: 21:40:01.123: Permissions for /run/guestctl-netplan.Ab12Cd/etc/netplan/80-x.yaml are too open. Netplan configuration should NOT be accessible by others.\n' +
      "/run/guestctl-netplan.Ab12Cd/etc/netplan/80-x.yaml:5:14: Error in network definition: invalid boolean value 'maybe'\n      dhcp4: maybe\n             ^\n";
    expect(netplanComplaint(stderr)).toBe("/etc/netplan/80-x.yaml:5:14: Error in network definition: invalid boolean value 'maybe'");
    expect(netplanComplaint('\n')).toBe('no message');
  });

  it('splits the generated files', () => {
    expect(parseGenerated('\0/run/systemd/network/10-netplan-eth0.network\0[Match]\nName=eth0\n\0/run/x\0')).toEqual({
      '/run/systemd/network/10-netplan-eth0.network': '[Match]\nName=eth0\n',
      '/run/x': '',
    });
    expect(parseGenerated('')).toEqual({});
  });
});
