import { describe, expect, it } from 'vitest';
import type { NetChange } from '../../src/network/model.js';
import { editWickedConfig, editWickedIfcfg, editWickedRoutes, readWicked } from '../../src/network/wicked.js';
import { config, sample } from './network-helpers.js';

const ETH0 = sample('opensuse15-ifcfg-eth0');
const ETH1 = sample('opensuse15-ifcfg-eth1');
const ROUTES = sample('opensuse15-routes');
const CONFIG = sample('opensuse15-config');

/** Apply a change to each of the stack's files, twice, checking the second pass changes nothing. */
function edit(files: { ifcfg: string; routes: string | null; config: string }, change: NetChange) {
  const once = { ifcfg: editWickedIfcfg(files.ifcfg, change), routes: editWickedRoutes(files.routes, change), config: editWickedConfig(files.config, change) };
  expect({ ifcfg: editWickedIfcfg(once.ifcfg, change), routes: editWickedRoutes(once.routes, change), config: editWickedConfig(once.config, change) }).toEqual(once);
  return once;
}

describe('wicked reader', () => {
  it('reads a YaST static ifcfg with the gateway and routes from routes and DNS from config', () => {
    expect(readWicked('eth0', { ifcfg: ETH0, routes: [ROUTES], config: CONFIG })).toEqual([
      config('eth0', 'static', { addresses: ['192.168.100.10/24'], gateway: '192.168.100.1', dns: ['192.168.100.1'], search: ['suse.example.com'], routes: [{ to: '10.50.0.0/16', via: '192.168.100.254', dev: 'eth0' }] }),
    ]);
  });

  it('reads a DHCP ifcfg, routes of other interfaces left out', () => {
    expect(readWicked('eth1', { ifcfg: ETH1, routes: [ROUTES] })[0]).toMatchObject({ method: 'dhcp', addresses: [], gateway: '192.168.100.1', routes: [] });
  });
});

describe('wicked editors', () => {
  it('sets a static address, gateway and DNS across the three files, in YaST quoting', () => {
    const out = edit({ ifcfg: ETH1, routes: null, config: CONFIG }, { kind: 'static', iface: 'eth1', addresses: ['10.0.0.5/24', '10.0.0.6/24'], gateway: '10.0.0.1', dns: ['10.0.0.2'] });
    expect(out).toEqual({
      ifcfg: "BOOTPROTO='static'\nSTARTMODE='auto'\nZONE=public\nIPADDR='10.0.0.5/24'\nIPADDR_1='10.0.0.6/24'\n",
      routes: 'default 10.0.0.1 - eth1\n',
      config: CONFIG.replace('NETCONFIG_DNS_STATIC_SERVERS="192.168.100.1"', 'NETCONFIG_DNS_STATIC_SERVERS="10.0.0.2"'),
    });
  });

  it('changes the address in place and the default gateway in its own line', () => {
    const out = edit({ ifcfg: ETH0, routes: ROUTES, config: CONFIG }, { kind: 'static', iface: 'eth0', addresses: ['192.168.100.20/24'], gateway: '192.168.100.2' });
    expect(out).toEqual({ ifcfg: ETH0.replace('192.168.100.10/24', '192.168.100.20/24'), routes: ROUTES.replace('default 192.168.100.1', 'default 192.168.100.2'), config: CONFIG });
  });

  it('switches to DHCP: address and default route removed, other routes kept', () => {
    const out = edit({ ifcfg: ETH0, routes: ROUTES, config: CONFIG }, { kind: 'dhcp', iface: 'eth0' });
    expect(out).toEqual({ ifcfg: ETH0.replace("BOOTPROTO='static'", "BOOTPROTO='dhcp'").replace("IPADDR='192.168.100.10/24'\n", ''), routes: ROUTES.replace('default 192.168.100.1 - -\n', ''), config: CONFIG });
  });

  it('sets DNS servers and the search list in config', () => {
    const out = edit({ ifcfg: ETH0, routes: ROUTES, config: CONFIG }, { kind: 'dns', iface: 'eth0', servers: ['1.1.1.1', '9.9.9.9'], search: ['corp.example'] });
    expect(out.config).toBe(CONFIG.replace('"suse.example.com"', '"corp.example"').replace('"192.168.100.1"', '"1.1.1.1 9.9.9.9"'));
    expect(out.ifcfg).toBe(ETH0);
  });

  it('adds a route line and removes it again', () => {
    const out = edit({ ifcfg: ETH0, routes: ROUTES, config: CONFIG }, { kind: 'route-add', iface: 'eth0', route: { to: '172.16.0.0/12', via: '192.168.100.254' } });
    expect(out.routes).toBe(ROUTES + '172.16.0.0/12 192.168.100.254 - eth0\n');
    expect(edit({ ifcfg: ETH0, routes: out.routes, config: CONFIG }, { kind: 'route-remove', iface: 'eth0', to: '172.16.0.0/12' }).routes).toBe(ROUTES);
  });
});
