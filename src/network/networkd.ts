import { IniEdit, parseIni, sectionIndexes, values, type IniDoc } from './ini-lines.js';
import { emptyConfig, routeMatches, type InterfaceConfig, type NetChange, type Route } from './model.js';

// systemd-networkd .network files (/etc/systemd/network/*.network): [Match] Name=, [Network]
// DHCP=, Address=, Gateway=, DNS=, Domains=, [Address] Address=, [Route] Destination= Gateway=.

const words = (xs: string[]) => xs.flatMap((x) => x.split(/\s+/)).filter(Boolean);
const DHCP_ON = new Set(['yes', 'true', 'ipv4', 'both', 'ipv6', 'on', '1']);

/** The interface name patterns of [Match] Name= (globs such as en* stay as written). */
export function networkdMatchNames(text: string): string[] {
  const doc = parseIni(text);
  return words(sectionIndexes(doc, 'Match').flatMap((s) => values(doc, s, 'Name')));
}

function allValues(doc: IniDoc, section: string, key: string): string[] {
  return sectionIndexes(doc, section).flatMap((s) => values(doc, s, key));
}

function routes(doc: IniDoc, dev: string): { section: number; route: Route }[] {
  return sectionIndexes(doc, 'Route').flatMap((s) => {
    const via = values(doc, s, 'Gateway')[0];
    if (via === undefined) return [];
    return [{ section: s, route: { to: values(doc, s, 'Destination')[0] ?? 'default', via, dev } }];
  });
}

export function readNetworkd(text: string): InterfaceConfig[] {
  const doc = parseIni(text);
  const name = networkdMatchNames(text)[0];
  if (name === undefined) return [];
  const cfg = emptyConfig(name);
  cfg.addresses = [...allValues(doc, 'Network', 'Address'), ...allValues(doc, 'Address', 'Address')];
  const dhcp = allValues(doc, 'Network', 'DHCP')[0]?.toLowerCase();
  cfg.method = dhcp !== undefined && DHCP_ON.has(dhcp) ? 'dhcp' : cfg.addresses.length > 0 ? 'static' : 'manual';
  const all = routes(doc, name);
  const gw = allValues(doc, 'Network', 'Gateway')[0] ?? all.find((r) => r.route.to === 'default')?.route.via;
  if (gw !== undefined) cfg.gateway = gw;
  cfg.routes = all.filter((r) => r.route.to !== 'default').map((r) => r.route);
  cfg.dns = words(allValues(doc, 'Network', 'DNS'));
  cfg.search = words(allValues(doc, 'Network', 'Domains'));
  return [cfg];
}

/** Set keys of [Network] in order, appending the section when the file has none. */
function network(edit: IniEdit, keys: [string, string[]][]): void {
  const s = sectionIndexes(edit.doc, 'Network')[0];
  if (s === undefined) {
    const entries = keys.flatMap(([k, vs]) => vs.map((v): [string, string] => [k, v]));
    if (entries.length > 0) edit.appendSection('Network', entries);
    return;
  }
  let near: number | undefined;
  for (const [k, vs] of keys) near = edit.setLines(s, (x) => x === k, vs.map((v) => `${k}=${v}`), near);
}

function dropAddressSections(edit: IniEdit): void {
  for (const s of sectionIndexes(edit.doc, 'Address')) edit.removeSection(s);
}

export function editNetworkd(text: string, change: NetChange): string {
  const doc = parseIni(text);
  const edit = new IniEdit(doc);
  switch (change.kind) {
    case 'static': {
      const keys: [string, string[]][] = [
        ['DHCP', []],
        ['Address', change.addresses],
        ['Gateway', change.gateway === undefined ? [] : [change.gateway]],
      ];
      if (change.dns !== undefined) keys.push(['DNS', change.dns.length > 0 ? [change.dns.join(' ')] : []]);
      network(edit, keys);
      dropAddressSections(edit);
      break;
    }
    case 'dhcp': {
      const current = allValues(doc, 'Network', 'DHCP')[0]?.toLowerCase();
      const keep = current !== undefined && DHCP_ON.has(current) && current !== 'ipv6';
      // DHCP= goes where the addresses were.
      network(edit, [
        ['Address', []],
        ['Gateway', []],
        ['DHCP', [keep ? allValues(doc, 'Network', 'DHCP')[0]! : 'yes']],
      ]);
      dropAddressSections(edit);
      break;
    }
    case 'dns': {
      const keys: [string, string[]][] = [['DNS', change.servers.length > 0 ? [change.servers.join(' ')] : []]];
      if (change.search !== undefined) keys.push(['Domains', change.search.length > 0 ? [change.search.join(' ')] : []]);
      network(edit, keys);
      break;
    }
    case 'route-add': {
      const r = change.route;
      if (routes(doc, change.iface).some((x) => routeMatches(x.route, r.to, r.via))) break;
      edit.appendSection('Route', r.to === 'default' ? [['Gateway', r.via]] : [['Destination', r.to], ['Gateway', r.via]]);
      break;
    }
    case 'route-remove':
      for (const x of routes(doc, change.iface)) if (routeMatches(x.route, change.to, change.via)) edit.removeSection(x.section);
      break;
  }
  return edit.render();
}
