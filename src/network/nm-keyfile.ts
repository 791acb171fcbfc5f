import { familyOf, type Family } from './address.js';
import { IniEdit, parseIni, sectionEntries, sectionIndexes, values, type IniDoc } from './ini-lines.js';
import { emptyConfig, routeMatches, type InterfaceConfig, type Method, type NetChange, type Route } from './model.js';

// NetworkManager keyfiles (/etc/NetworkManager/system-connections/*.nmconnection): [connection]
// interface-name=, [ipv4]/[ipv6] method=, addressN=ADDR/PREFIX[,GW], gateway=, dns=a;b;,
// dns-search=, routeN=DEST/PREFIX[,GW[,METRIC]].

const IP_SECTION: Record<Family, string> = { 4: 'ipv4', 6: 'ipv6' };
const isAddressKey = (k: string) => /^address(es)?\d*$/.test(k);
const isRouteKey = (k: string) => /^routes?\d*$/.test(k);
const list = (v: string | undefined) => (v ?? '').split(/[;,]/).map((x) => x.trim()).filter(Boolean);
const nmList = (xs: string[]) => xs.map((x) => `${x};`).join('');

function section(doc: IniDoc, name: string): number | undefined {
  return sectionIndexes(doc, name)[0];
}

function method(v: string | undefined): Method {
  if (v === 'manual') return 'static';
  if (v === 'auto') return 'dhcp';
  if (v === 'disabled') return 'disabled';
  return 'other';
}

/** The interface a keyfile is bound to: interface-name, or the connection id. */
export function keyfileInterface(text: string): string | undefined {
  const doc = parseIni(text);
  const c = section(doc, 'connection');
  if (c === undefined) return undefined;
  return values(doc, c, 'interface-name')[0] ?? values(doc, c, 'id')[0];
}

export function readKeyfile(text: string): InterfaceConfig[] {
  const doc = parseIni(text);
  const name = keyfileInterface(text);
  if (name === undefined) return [];
  const cfg = emptyConfig(name);
  for (const fam of [4, 6] as const) {
    const s = section(doc, IP_SECTION[fam]);
    if (s === undefined) continue;
    const m = method(values(doc, s, 'method')[0]);
    if (fam === 4 || cfg.method === 'other') cfg.method = m;
    for (const e of sectionEntries(doc, s)) {
      if (isAddressKey(e.key)) {
        const [addr, gw] = e.value.split(',');
        cfg.addresses.push(addr!.trim());
        if (gw && !cfg.gateway) cfg.gateway = gw.trim();
      } else if (isRouteKey(e.key)) {
        const [to, via] = e.value.split(',');
        cfg.routes.push({ to: to!.trim(), via: (via ?? '').trim(), dev: name });
      }
    }
    cfg.gateway ??= values(doc, s, 'gateway')[0];
    cfg.dns.push(...list(values(doc, s, 'dns')[0]));
    cfg.search.push(...list(values(doc, s, 'dns-search')[0]));
  }
  if (cfg.gateway === undefined) delete cfg.gateway;
  return [cfg];
}

type Plan = { matches: (k: string) => boolean; lines: string[] };
const key = (k: string, v: string | undefined): Plan => ({ matches: (x) => x === k, lines: v === undefined ? [] : [`${k}=${v}`] });

/** Apply plans to a section, or append the section when the file has none. */
function apply(edit: IniEdit, name: string, plans: Plan[]): void {
  const s = section(edit.doc, name);
  if (s !== undefined) {
    let near: number | undefined;
    for (const p of plans) near = edit.setLines(s, p.matches, p.lines, near);
    return;
  }
  const entries = plans.flatMap((p) => p.lines).map((l): [string, string] => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]);
  if (entries.length > 0) edit.appendSection(name, entries);
}

function byFamily<T>(xs: T[], of: (x: T) => Family | null): Record<Family, T[]> {
  return { 4: xs.filter((x) => of(x) === 4), 6: xs.filter((x) => of(x) === 6) };
}

function nmRoute(r: Route, fam: Family): string {
  const to = r.to === 'default' ? (fam === 4 ? '0.0.0.0/0' : '::/0') : r.to;
  return `${to},${r.via}`;
}

export function editKeyfile(text: string, change: NetChange): string {
  const bound = keyfileInterface(text);
  if (bound !== undefined && bound !== change.iface) throw new Error(`this keyfile is for ${bound}, not ${change.iface}`);
  const doc = parseIni(text);
  const edit = new IniEdit(doc);
  switch (change.kind) {
    case 'static': {
      const addrs = byFamily(change.addresses, familyOf);
      const dns = byFamily(change.dns ?? [], familyOf);
      for (const fam of [4, 6] as const) {
        if (addrs[fam].length === 0) continue;
        const gw = change.gateway !== undefined && familyOf(change.gateway) === fam ? change.gateway : undefined;
        const plans = [key('method', 'manual'), { matches: isAddressKey, lines: addrs[fam].map((a, i) => `address${i + 1}=${a}`) }, key('gateway', gw)];
        if (change.dns !== undefined) plans.push(key('dns', dns[fam].length > 0 ? nmList(dns[fam]) : undefined));
        apply(edit, IP_SECTION[fam], plans);
      }
      break;
    }
    case 'dhcp':
      apply(edit, 'ipv4', [key('method', 'auto'), { matches: isAddressKey, lines: [] }, key('gateway', undefined)]);
      break;
    case 'dns': {
      const dns = byFamily(change.servers, familyOf);
      const v4: Plan[] = [key('dns', dns[4].length > 0 ? nmList(dns[4]) : undefined)];
      if (change.search !== undefined) v4.push(key('dns-search', change.search.length > 0 ? nmList(change.search) : undefined));
      apply(edit, 'ipv4', v4);
      if (dns[6].length > 0 || section(doc, 'ipv6') !== undefined) {
        const v6 = [key('dns', dns[6].length > 0 ? nmList(dns[6]) : undefined)];
        apply(edit, 'ipv6', section(doc, 'ipv6') === undefined ? [key('method', 'auto'), ...v6] : v6);
      }
      break;
    }
    case 'route-add':
    case 'route-remove': {
      const fam = change.kind === 'route-add' ? familyOf(change.route.via) ?? 4 : familyOf(change.to) ?? familyOf(change.via ?? '') ?? 4;
      const name = IP_SECTION[fam];
      const s = section(doc, name);
      const current = s === undefined ? [] : sectionEntries(doc, s).filter((e) => isRouteKey(e.key));
      const parsed = current.map((e) => ({ line: e.value, route: { to: e.value.split(',')[0]!.trim(), via: (e.value.split(',')[1] ?? '').trim() } }));
      let kept: string[];
      if (change.kind === 'route-add') {
        const wanted = nmRoute(change.route, fam);
        if (parsed.some((p) => routeMatches(p.route, wanted.split(',')[0]!, change.route.via))) break;
        kept = [...parsed.map((p) => p.line), wanted];
      } else {
        kept = parsed.filter((p) => !routeMatches(p.route, change.to, change.via)).map((p) => p.line);
        if (kept.length === parsed.length) break;
      }
      apply(edit, name, [{ matches: isRouteKey, lines: kept.map((v, i) => `route${i + 1}=${v}`) }]);
      break;
    }
  }
  return edit.render();
}
