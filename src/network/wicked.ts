import { quoteShellValue, setShellVar, shellVars } from '../editors/shell-vars.js';
import { familyOf, netmaskToPrefix } from './address.js';
import { emptyConfig, routeMatches, type InterfaceConfig, type Method, type NetChange, type Route } from './model.js';
import { unsetShellVars } from './shell-file.js';

// SUSE wicked: /etc/sysconfig/network/ifcfg-IFACE (BOOTPROTO, IPADDR[_SUFFIX]='ADDR/PREFIX'),
// routes and the default gateway in /etc/sysconfig/network/routes or ifroute-IFACE
// (`DEST GATEWAY NETMASK IFACE` lines, '-' for none), DNS in /etc/sysconfig/network/config
// (NETCONFIG_DNS_STATIC_SERVERS, NETCONFIG_DNS_STATIC_SEARCHLIST). Each file has its editor; a
// change that does not concern a file leaves it alone.

const ADDR_KEY = /^(IPADDR|PREFIXLEN|NETMASK|LABEL)(_\w+)?$/;

/** Set KEY in the single quotes YaST writes, or keep the quoting the line already has. */
function putVar(text: string, key: string, value: string | undefined): string {
  if (value === undefined) return unsetShellVars(text, (k) => k === key);
  if (key in shellVars(text)) return setShellVar(text, key, value);
  return setShellVar(text, key, value).replace(new RegExp(`^${key}=.*$`, 'm'), `${key}=${quoteShellValue(value, "'")}`);
}

function method(bootproto: string | undefined, hasAddress: boolean): Method {
  const b = (bootproto ?? 'static').toLowerCase();
  if (b.startsWith('dhcp')) return 'dhcp';
  if (b === 'static') return hasAddress ? 'static' : 'manual';
  return b === 'none' ? 'manual' : 'other';
}

export interface WickedFiles {
  /** ifcfg-IFACE */
  ifcfg: string;
  /** /etc/sysconfig/network/routes and ifroute-IFACE, when they exist. */
  routes?: string[];
  /** /etc/sysconfig/network/config */
  config?: string;
}

export function readWicked(name: string, files: WickedFiles): InterfaceConfig[] {
  const v = shellVars(files.ifcfg);
  const cfg = emptyConfig(name);
  for (const [k, a] of Object.entries(v)) {
    const m = /^IPADDR(_\w+)?$/.exec(k);
    if (!m || !a) continue;
    const suffix = m[1] ?? '';
    const prefix = v[`PREFIXLEN${suffix}`] ?? (v[`NETMASK${suffix}`] ? String(netmaskToPrefix(v[`NETMASK${suffix}`]!)) : undefined);
    cfg.addresses.push(a.includes('/') || prefix === undefined ? a : `${a}/${prefix}`);
  }
  cfg.method = method(v.BOOTPROTO, cfg.addresses.length > 0);
  for (const text of files.routes ?? []) {
    for (const r of readWickedRoutes(text, name)) {
      if (r.to === 'default') cfg.gateway ??= r.via;
      else cfg.routes.push(r);
    }
  }
  const c = shellVars(files.config ?? '');
  cfg.dns = (c.NETCONFIG_DNS_STATIC_SERVERS ?? '').split(/\s+/).filter(Boolean);
  cfg.search = (c.NETCONFIG_DNS_STATIC_SEARCHLIST ?? '').split(/\s+/).filter(Boolean);
  return [cfg];
}

interface RouteLine {
  line: number;
  route: Route;
}

function routeLines(text: string, iface: string): RouteLine[] {
  return text.split('\n').flatMap((line, n) => {
    const t = line.replace(/#.*/, '').trim().split(/\s+/);
    if (t.length < 2 || t[0] === '') return [];
    const [dest, gw, mask, dev] = t as [string, string, string | undefined, string | undefined];
    if (dev !== undefined && dev !== '-' && dev !== iface) return [];
    const to = dest === 'default' || dest.includes('/') || !mask || mask === '-' ? dest : `${dest}/${/^\d+$/.test(mask) ? mask : netmaskToPrefix(mask)}`;
    return [{ line: n, route: { to, via: gw, dev: iface } }];
  });
}

/** The routes of `iface` (lines for it or for no interface); 'default' carries the gateway. */
export function readWickedRoutes(text: string, iface: string): Route[] {
  return routeLines(text, iface).map((r) => r.route);
}

function dropLines(text: string, lines: number[]): string {
  return text.split('\n').filter((_, n) => !lines.includes(n)).join('\n');
}

function appendLine(text: string, line: string): string {
  return text === '' || text.endsWith('\n') ? `${text}${line}\n` : `${text}\n${line}\n`;
}

/** Apply a change to a routes or ifroute-IFACE file (null: it does not exist). */
export function editWickedRoutes(text: string | null, change: NetChange): string | null {
  const current = text ?? '';
  const lines = routeLines(current, change.iface);
  const defaults = (fam: 4 | 6) => lines.filter((l) => l.route.to === 'default' && familyOf(l.route.via) === fam);
  switch (change.kind) {
    case 'static': {
      if (change.gateway === undefined) return text;
      const fam = familyOf(change.gateway) ?? 4;
      const old = defaults(fam);
      if (old.length === 0) return appendLine(current, `default ${change.gateway} - ${change.iface}`);
      // The first default line gets the new gateway, its other columns kept; the rest go.
      const lines = current.split('\n');
      lines[old[0]!.line] = lines[old[0]!.line]!.replace(/^(\s*default\s+)\S+/, `$1${change.gateway}`);
      return dropLines(lines.join('\n'), old.slice(1).map((l) => l.line));
    }
    case 'dhcp': {
      const old = defaults(4);
      return old.length === 0 ? text : dropLines(current, old.map((l) => l.line));
    }
    case 'route-add': {
      const r = change.route;
      if (lines.some((l) => routeMatches(l.route, r.to, r.via))) return text;
      return appendLine(current, `${r.to} ${r.via} - ${r.dev ?? change.iface}`);
    }
    case 'route-remove': {
      const old = lines.filter((l) => routeMatches(l.route, change.to, change.via));
      return old.length === 0 ? text : dropLines(current, old.map((l) => l.line));
    }
    case 'dns':
      return text;
  }
}

/** Apply a change to ifcfg-IFACE: addressing only. */
export function editWickedIfcfg(text: string, change: NetChange): string {
  if (change.kind === 'static') {
    let out = putVar(text, 'BOOTPROTO', 'static');
    const kept = new Set(change.addresses.map((_, i) => (i === 0 ? 'IPADDR' : `IPADDR_${i}`)));
    out = unsetShellVars(out, (k) => ADDR_KEY.test(k) && !kept.has(k));
    change.addresses.forEach((a, i) => (out = putVar(out, i === 0 ? 'IPADDR' : `IPADDR_${i}`, a)));
    return out;
  }
  if (change.kind === 'dhcp') {
    return unsetShellVars(putVar(text, 'BOOTPROTO', 'dhcp'), (k) => ADDR_KEY.test(k));
  }
  return text;
}

/** Apply a change to /etc/sysconfig/network/config: DNS only. */
export function editWickedConfig(text: string, change: NetChange): string {
  const servers = change.kind === 'dns' ? change.servers : change.kind === 'static' ? change.dns : undefined;
  let out = servers === undefined ? text : putVar(text, 'NETCONFIG_DNS_STATIC_SERVERS', servers.join(' '));
  if (change.kind === 'dns' && change.search !== undefined) out = putVar(out, 'NETCONFIG_DNS_STATIC_SEARCHLIST', change.search.join(' '));
  return out;
}
