import { shellVars } from '../editors/shell-vars.js';
import { familyOf, netmaskToPrefix, parseCidr, prefixToNetmask } from './address.js';
import { emptyConfig, type InterfaceConfig, type Method, type NetChange } from './model.js';
import { putShellSeries, putShellVar, unsetShellVars } from './shell-file.js';

// RHEL/CentOS/Fedora initscripts files: /etc/sysconfig/network-scripts/ifcfg-IFACE (BOOTPROTO,
// IPADDR[n] with PREFIX[n] or NETMASK[n], GATEWAY, IPV6ADDR(_SECONDARIES), IPV6_DEFAULTGW,
// DNS1.., DOMAIN). Routes live in route-IFACE (ifcfg-routes.ts); a route change leaves this file alone.

const V4_KEY = /^(IPADDR|PREFIX|NETMASK)\d*$/;

function method(bootproto: string | undefined, hasAddress: boolean): Method {
  const b = (bootproto ?? 'none').toLowerCase();
  if (b === 'dhcp' || b === 'bootp') return 'dhcp';
  if (b === 'none' || b === 'static') return hasAddress ? 'static' : 'manual';
  return 'other';
}

/** The IPv4 addresses: IPADDR then IPADDR0, IPADDR1..., each with its PREFIX or NETMASK. */
function v4Addresses(vars: Record<string, string>): string[] {
  const out: string[] = [];
  for (const suffix of ['', ...Array.from({ length: 256 }, (_, i) => String(i))]) {
    const ip = vars[`IPADDR${suffix}`];
    if (!ip) continue;
    const prefix = vars[`PREFIX${suffix}`] ?? (vars[`NETMASK${suffix}`] ? String(netmaskToPrefix(vars[`NETMASK${suffix}`]!)) : undefined);
    out.push(prefix === undefined ? ip : `${ip}/${prefix}`);
  }
  return out;
}

/** `name` is the IFACE of ifcfg-IFACE, used when the file has no DEVICE. */
export function readIfcfg(text: string, name: string): InterfaceConfig[] {
  const v = shellVars(text);
  const cfg = emptyConfig(v.DEVICE ?? name);
  cfg.addresses = v4Addresses(v);
  if (v.IPV6ADDR) cfg.addresses.push(v.IPV6ADDR);
  if (v.IPV6ADDR_SECONDARIES) cfg.addresses.push(...v.IPV6ADDR_SECONDARIES.split(/\s+/).filter(Boolean));
  cfg.method = method(v.BOOTPROTO, cfg.addresses.length > 0);
  const gw = v.GATEWAY ?? v.GATEWAY0 ?? v.IPV6_DEFAULTGW?.split('%')[0];
  if (gw) cfg.gateway = gw;
  for (let i = 1; v[`DNS${i}`]; i++) cfg.dns.push(v[`DNS${i}`]!);
  if (v.DOMAIN) cfg.search = v.DOMAIN.split(/\s+/).filter(Boolean);
  return [cfg];
}

function setV4(text: string, addrs: string[]): string {
  const netmaskStyle = /^\s*NETMASK\d*=/m.test(text) && !/^\s*PREFIX\d*=/m.test(text);
  // The first address is written unnumbered, so IPADDR0 goes, as do the numbers past the new list.
  const stale = (k: string) => {
    const n = k.replace(/\D/g, '');
    return V4_KEY.test(k) && n !== '' && (Number(n) === 0 || Number(n) >= addrs.length);
  };
  let out = unsetShellVars(text, stale);
  addrs.forEach((a, i) => {
    const { address, prefix } = parseCidr(a)!;
    const n = i === 0 ? '' : String(i);
    out = putShellVar(out, `IPADDR${n}`, address);
    out = putShellVar(out, netmaskStyle ? `NETMASK${n}` : `PREFIX${n}`, netmaskStyle ? prefixToNetmask(prefix) : String(prefix));
    out = putShellVar(out, netmaskStyle ? `PREFIX${n}` : `NETMASK${n}`, undefined);
  });
  return addrs.length === 0 ? unsetShellVars(out, (k) => V4_KEY.test(k)) : out;
}

function setDns(text: string, servers: string[]): string {
  return putShellSeries(text, 'DNS', servers, 1);
}

export function editIfcfg(text: string, change: NetChange): string {
  switch (change.kind) {
    case 'static': {
      const v4 = change.addresses.filter((a) => familyOf(a) === 4);
      const v6 = change.addresses.filter((a) => familyOf(a) === 6);
      const bootproto = shellVars(text).BOOTPROTO?.toLowerCase();
      let out = putShellVar(text, 'BOOTPROTO', bootproto === 'static' ? 'static' : 'none');
      if (v4.length > 0) out = setV4(out, v4);
      if (v6.length > 0) {
        out = putShellVar(out, 'IPV6INIT', 'yes');
        out = putShellVar(out, 'IPV6ADDR', v6[0]);
        out = putShellVar(out, 'IPV6ADDR_SECONDARIES', v6.length > 1 ? v6.slice(1).join(' ') : undefined);
      }
      if (change.gateway !== undefined) out = putShellVar(out, familyOf(change.gateway) === 6 ? 'IPV6_DEFAULTGW' : 'GATEWAY', change.gateway);
      else if (v4.length > 0) out = putShellVar(out, 'GATEWAY', undefined);
      return change.dns === undefined ? out : setDns(out, change.dns);
    }
    case 'dhcp': {
      const out = putShellVar(text, 'BOOTPROTO', 'dhcp');
      return unsetShellVars(out, (k) => V4_KEY.test(k) || /^GATEWAY\d*$/.test(k));
    }
    case 'dns': {
      const out = setDns(text, change.servers);
      if (change.search === undefined) return out;
      return putShellVar(out, 'DOMAIN', change.search.length > 0 ? change.search.join(' ') : undefined);
    }
    case 'route-add':
    case 'route-remove':
      return text;
  }
}
