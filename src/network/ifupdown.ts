import { familyOf, netmaskToPrefix, type Family } from './address.js';
import { IniEdit, sectionEntries, type IniDoc, type IniSection } from './ini-lines.js';
import { ifupdownFiles } from './ifupdown-includes.js';
import { emptyConfig, routeMatches, type InterfaceConfig, type Method, type NetChange, type Route } from './model.js';

// Debian ifupdown (/etc/network/interfaces and what it sources): `iface NAME inet|inet6 METHOD`
// stanzas with indented options (address, netmask, gateway, dns-nameservers, dns-search,
// `up ip route add ...`). A stanza is parsed as a section so IniEdit can edit its options in place.

const STANZA = /^\s*(iface|mapping|auto|allow-\S+|source|source-directory|source-dir|rename|no-auto-down|no-scripts)\b/;
const ADDRESSING = new Set(['address', 'netmask', 'gateway', 'broadcast', 'network']);
const ROUTE_UP = /^ip\s+(-[46]\s+)?route\s+add\s+/;
const isRouteUp = (k: string, v: string) => (k === 'up' || k === 'post-up') && ROUTE_UP.test(v);

/** A stanza per section (name: its header line, trimmed); options as entries keyed by their first word. */
function parseInterfaces(text: string): IniDoc {
  const lines = text.split('\n');
  const sections: IniSection[] = [{ name: '', header: -1, end: lines.length }];
  const entries: IniDoc['entries'] = [];
  lines.forEach((line, n) => {
    if (STANZA.test(line)) {
      sections[sections.length - 1]!.end = n;
      sections.push({ name: line.trim(), header: n, end: lines.length });
      return;
    }
    const m = /^\s*([^#\s]\S*)\s*(.*?)\s*$/.exec(line);
    if (m) entries.push({ line: n, section: sections.length - 1, key: m[1]!, value: m[2]! });
  });
  return { lines, sections, entries };
}

function ifaceStanza(doc: IniDoc, iface: string, family: 'inet' | 'inet6'): number | undefined {
  const i = doc.sections.findIndex((s) => {
    const t = s.name.split(/\s+/);
    return t[0] === 'iface' && t[1] === iface && t[2] === family;
  });
  return i < 0 ? undefined : i;
}

function method(m: string | undefined): Method {
  if (m === 'static') return 'static';
  if (m === 'dhcp' || m === 'auto') return 'dhcp';
  if (m === 'manual') return 'manual';
  return 'other';
}

function routeOf(value: string, dev: string): Route | null {
  const t = value.replace(ROUTE_UP, '').split(/\s+/);
  const via = t.indexOf('via');
  if (via < 0 || !t[via + 1]) return null;
  const d = t.indexOf('dev');
  return { to: t[0]!, via: t[via + 1]!, dev: d >= 0 && t[d + 1] ? t[d + 1]! : dev };
}

function readStanza(doc: IniDoc, s: number, cfg: InterfaceConfig): void {
  const opts = sectionEntries(doc, s);
  const first = (k: string) => opts.find((e) => e.key === k)?.value;
  const mask = first('netmask');
  for (const a of opts.filter((e) => e.key === 'address').map((e) => e.value)) {
    if (a.includes('/') || mask === undefined) cfg.addresses.push(a);
    else cfg.addresses.push(`${a}/${/^\d+$/.test(mask) ? mask : netmaskToPrefix(mask)}`);
  }
  cfg.gateway ??= first('gateway');
  cfg.dns.push(...(first('dns-nameservers') ?? '').split(/\s+/).filter(Boolean));
  cfg.search.push(...(first('dns-search') ?? '').split(/\s+/).filter(Boolean));
  for (const e of opts) {
    const r = isRouteUp(e.key, e.value) ? routeOf(e.value, cfg.name) : null;
    if (r) cfg.routes.push(r);
  }
}

/** Every interface configured in the files ifupdown reads (loopback stanzas left out). */
export function readIfupdown(files: Record<string, string>): InterfaceConfig[] {
  const out = new Map<string, InterfaceConfig>();
  for (const path of ifupdownFiles(files)) {
    const doc = parseInterfaces(files[path]!);
    doc.sections.forEach((sec, s) => {
      const [word, name, family, m] = sec.name.split(/\s+/);
      if (word !== 'iface' || !name || m === 'loopback') return;
      const cfg = out.get(name) ?? emptyConfig(name);
      if (family === 'inet' || cfg.method === 'other') cfg.method = method(m);
      readStanza(doc, s, cfg);
      if (cfg.gateway === undefined) delete cfg.gateway;
      out.set(name, cfg);
    });
  }
  return [...out.values()];
}

/** The file (among those ifupdown reads) holding `iface IFACE inet|inet6`, or undefined. */
export function ifupdownFileOf(files: Record<string, string>, iface: string): string | undefined {
  return ifupdownFiles(files).find((p) => {
    const doc = parseInterfaces(files[p]!);
    return ifaceStanza(doc, iface, 'inet') !== undefined || ifaceStanza(doc, iface, 'inet6') !== undefined;
  });
}

/** The indentation the file uses for options (a tab, as the Debian installer writes, when none). */
function indentOf(doc: IniDoc): string {
  const e = doc.entries.find((x) => x.section > 0);
  return e ? /^\s*/.exec(doc.lines[e.line]!)![0] || '\t' : '\t';
}

function setMethod(edit: IniEdit, s: number, m: string): void {
  const sec = edit.doc.sections[s]!;
  const line = edit.doc.lines[sec.header]!;
  edit.replaceLine(sec.header, line.replace(/^(\s*iface\s+\S+\s+\S+\s+)\S+/, `$1${m}`));
}

function familyStanza(edit: IniEdit, iface: string, fam: Family, m: string, options: string[], ind: string): void {
  const name = fam === 4 ? 'inet' : 'inet6';
  const s = ifaceStanza(edit.doc, iface, name);
  if (s === undefined) {
    const auto = fam === 4 && !edit.doc.sections.some((x) => /^(auto|allow-hotplug)\s/.test(x.name) && x.name.split(/\s+/).includes(iface));
    edit.appendBlock([...(auto ? [`auto ${iface}`] : []), `iface ${iface} ${name} ${m}`, ...options.map((o) => ind + o)]);
    return;
  }
  setMethod(edit, s, m);
  // Addressing options are replaced as one group where the first of them was.
  edit.setLines(s, (k) => ADDRESSING.has(k), options.map((o) => ind + o));
}

export function editIfupdown(text: string, change: NetChange): string {
  const doc = parseInterfaces(text);
  const edit = new IniEdit(doc);
  const ind = indentOf(doc);
  const iface = change.iface;
  const inet = ifaceStanza(doc, iface, 'inet') ?? ifaceStanza(doc, iface, 'inet6');
  switch (change.kind) {
    case 'static':
      for (const fam of [4, 6] as const) {
        const addrs = change.addresses.filter((a) => familyOf(a) === fam);
        if (addrs.length === 0) continue;
        const gw = change.gateway !== undefined && familyOf(change.gateway) === fam ? [`gateway ${change.gateway}`] : [];
        const dns = fam === 4 && change.dns !== undefined && change.dns.length > 0 ? [`dns-nameservers ${change.dns.join(' ')}`] : [];
        const s = ifaceStanza(doc, iface, fam === 4 ? 'inet' : 'inet6');
        familyStanza(edit, iface, fam, 'static', [...addrs.map((a) => `address ${a}`), ...gw, ...(s === undefined ? dns : [])], ind);
        if (s !== undefined && fam === 4 && change.dns !== undefined) edit.setLines(s, (k) => k === 'dns-nameservers', dns.map((d) => ind + d));
      }
      break;
    case 'dhcp':
      familyStanza(edit, iface, 4, 'dhcp', [], ind);
      break;
    case 'dns': {
      if (inet === undefined) throw new Error(`no iface ${iface} stanza in this file`);
      const near = edit.setLines(inet, (k) => k === 'dns-nameservers', change.servers.length > 0 ? [`${ind}dns-nameservers ${change.servers.join(' ')}`] : []);
      if (change.search !== undefined) edit.setLines(inet, (k) => k === 'dns-search', change.search.length > 0 ? [`${ind}dns-search ${change.search.join(' ')}`] : [], near);
      break;
    }
    case 'route-add':
    case 'route-remove': {
      if (inet === undefined) throw new Error(`no iface ${iface} stanza in this file`);
      const current = sectionEntries(doc, inet).filter((e) => isRouteUp(e.key, e.value));
      const parsed = current.map((e) => ({ line: doc.lines[e.line]!.trim(), route: routeOf(e.value, iface) }));
      let kept: string[];
      if (change.kind === 'route-add') {
        const r = change.route;
        if (parsed.some((p) => p.route && routeMatches(p.route, r.to, r.via))) break;
        kept = [...parsed.map((p) => p.line), `up ip route add ${r.to} via ${r.via} dev ${r.dev ?? iface}`];
      } else {
        kept = parsed.filter((p) => !p.route || !routeMatches(p.route, change.to, change.via)).map((p) => p.line);
      }
      edit.setLines(inet, isRouteUp, kept.map((l) => ind + l));
      break;
    }
  }
  return edit.render();
}
