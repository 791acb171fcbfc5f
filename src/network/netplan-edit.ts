import { isMap, isScalar, isSeq, parseDocument, YAMLMap, YAMLSeq, type Document, type ToStringOptions } from 'yaml';
import { familyOf } from './address.js';
import { routeMatches, type NetChange } from './model.js';
import { isDefaultRoute, NETPLAN_DEVICE_TYPES, netplanAddress, netplanInterfaceName, netplanTrue } from './netplan-keys.js';

// Applies a NetChange to one netplan file through yaml's Document API, so comments, key order,
// quoting and flow/block style of everything else survive. The output is re-rendered by yaml in
// the file's own indentation; a change that changes nothing returns the text as it was.

interface Style {
  indent: number;
  /** `- item` indented below its key (netplan's docs) or level with it (PyYAML: cloud-init, subiquity). */
  indentSeq: boolean;
}

function styleOf(text: string): Style {
  const lines = text.split('\n').filter((l) => l.trim() !== '' && !/^\s*#/.test(l));
  const child = lines.find((l) => /^ +\S/.test(l));
  const indent = child ? /^ +/.exec(child)![0].length : 2;
  for (let i = 1; i < lines.length; i++) {
    const item = /^( *)- /.exec(lines[i]!);
    const key = /^( *)[^\s-][^:]*:\s*(#.*)?$/.exec(lines[i - 1]!);
    if (item && key) return { indent, indentSeq: item[1]!.length > key[1]!.length };
  }
  return { indent, indentSeq: true };
}

function load(text: string): Document {
  const doc = parseDocument(text.trim() === '' ? 'network:\n  version: 2\n' : text);
  if (doc.errors.length > 0) throw new Error(`not valid YAML: ${doc.errors[0]!.message.split('\n')[0]}`);
  return doc;
}

function render(original: string, doc: Document): string {
  const style = styleOf(original);
  const opts: ToStringOptions = { lineWidth: 0, flowCollectionPadding: false, indent: style.indent, indentSeq: style.indentSeq };
  const out = doc.toString(opts);
  return original.trim() !== '' && out === parseDocument(original).toString(opts) ? original : out;
}

/** The definition (ethernets, bonds, ...) configuring IFACE: by id, set-name or match.name. */
function findDef(doc: Document, iface: string, create = false): YAMLMap | undefined {
  const network = doc.get('network', true);
  if (!isMap(network)) return undefined;
  for (const type of NETPLAN_DEVICE_TYPES) {
    const section = network.get(type, true);
    if (!isMap(section)) continue;
    for (const pair of section.items) {
      const id = isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
      if (id !== iface && netplanInterfaceName(id, isMap(pair.value) ? pair.value.toJSON() : null) !== iface) continue;
      // `enp1s0:` with nothing below (or `{}`): a definition to fill when adding.
      if (!isMap(pair.value) && create) pair.value = new YAMLMap();
      return isMap(pair.value) ? pair.value : undefined;
    }
  }
  return undefined;
}

/** IFACE's definition, added under network.ethernets when the file has none. */
function ensureDef(doc: Document, iface: string): YAMLMap {
  const found = findDef(doc, iface, true);
  if (found) return found;
  let network: unknown = doc.get('network', true);
  if (!isMap(network)) {
    network = doc.createNode({ version: 2 });
    doc.set('network', network);
  }
  let ethernets: unknown = (network as YAMLMap).get('ethernets', true);
  if (!isMap(ethernets)) {
    ethernets = new YAMLMap();
    (network as YAMLMap).set('ethernets', ethernets);
  }
  const def = new YAMLMap();
  (ethernets as YAMLMap).set(iface, def);
  return def;
}

function seqOf(map: YAMLMap, key: string): YAMLSeq | undefined {
  const v = map.get(key, true);
  return isSeq(v) ? v : undefined;
}

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);
const json = (node: unknown): unknown => (node !== null && typeof node === 'object' && 'toJSON' in node ? (node as { toJSON(): unknown }).toJSON() : node);

/** Set a sequence to `values` (by their plain value), reusing the item nodes that stay; removed when empty. */
function setList(doc: Document, map: YAMLMap, key: string, values: string[], valueOf: (item: unknown) => string | undefined = (x) => String(x)): void {
  const seq = seqOf(map, key);
  if (values.length === 0) {
    map.delete(key);
    return;
  }
  if (!seq) {
    map.set(key, doc.createNode(values));
    return;
  }
  const current = seq.items.map((i) => valueOf(json(i)));
  if (same(current, values)) return;
  seq.items = values.map((v) => seq.items.find((i) => valueOf(json(i)) === v) ?? doc.createNode(v));
}

function setScalar(map: YAMLMap, key: string, value: string | boolean, equal: (v: unknown) => boolean): void {
  const node = map.get(key, true);
  if (isScalar(node) && equal(node.value)) return;
  map.set(key, value);
}

/** dhcp4 set; when the definition has none yet, it goes where the addresses are, which it decides about. */
function setDhcp4(doc: Document, def: YAMLMap, on: boolean): void {
  if (def.has('dhcp4')) return setScalar(def, 'dhcp4', on, (v) => netplanTrue(v) === on);
  const at = def.items.findIndex((p) => isScalar(p.key) && p.key.value === 'addresses');
  if (at < 0) def.set('dhcp4', on);
  else def.items.splice(at, 0, doc.createPair('dhcp4', on));
}

interface RouteItem {
  node: unknown;
  to: string;
  via?: string;
}

function routeItems(def: YAMLMap): RouteItem[] {
  return (seqOf(def, 'routes')?.items ?? []).map((node) => {
    const r = json(node) as Record<string, unknown> | null;
    const via = r?.['via'];
    return { node, to: String(r?.['to'] ?? 'default'), via: via === undefined ? undefined : String(via) };
  });
}

function removeRoutes(def: YAMLMap, drop: (r: RouteItem) => boolean): void {
  const seq = seqOf(def, 'routes');
  if (!seq) return;
  const gone = new Set(routeItems(def).filter(drop).map((r) => r.node));
  if (gone.size === 0) return;
  seq.items = seq.items.filter((n) => !gone.has(n));
  if (seq.items.length === 0) def.delete('routes');
}

/**
 * The default gateway: gatewayN replaced in place when the file uses that deprecated key, else a
 * `routes:` entry `{to: default, via: GW}` (the first default route of the family kept and
 * changed). Every other gateway and default route goes.
 */
function setGateway(doc: Document, def: YAMLMap, gw: string | undefined): void {
  const key = gw === undefined ? undefined : familyOf(gw) === 6 ? 'gateway6' : 'gateway4';
  const inPlace = key !== undefined && def.has(key) ? key : undefined;
  for (const k of ['gateway4', 'gateway6']) if (k !== inPlace) def.delete(k);
  if (inPlace) setScalar(def, inPlace, gw!, (v) => String(v) === gw);
  const sameFamily = (r: RouteItem) => r.via === undefined || familyOf(r.via) === familyOf(gw!);
  const keep = gw === undefined || inPlace ? undefined : routeItems(def).find((r) => isDefaultRoute(r.to, gw) && sameFamily(r));
  removeRoutes(def, (r) => r.node !== keep?.node && isDefaultRoute(r.to, r.via));
  if (gw === undefined || inPlace) return;
  if (keep) {
    if (keep.via !== gw && isMap(keep.node)) keep.node.set('via', gw);
    return;
  }
  const seq = seqOf(def, 'routes');
  const route = doc.createNode({ to: 'default', via: gw });
  if (seq) seq.items.push(route);
  else def.set('routes', doc.createNode([{ to: 'default', via: gw }]));
}

function setNameservers(doc: Document, def: YAMLMap, key: 'addresses' | 'search', values: string[]): void {
  const found: unknown = def.get('nameservers', true);
  let ns: YAMLMap;
  if (isMap(found)) ns = found;
  else {
    if (values.length === 0) return;
    ns = new YAMLMap();
    def.set('nameservers', ns);
  }
  setList(doc, ns, key, values);
  if (ns.items.length === 0) def.delete('nameservers');
}

function removeMatchingRoutes(def: YAMLMap, to: string, via?: string): void {
  removeRoutes(def, (r) => r.via !== undefined && routeMatches({ to: r.to, via: r.via }, to, via));
  if (!isDefaultRoute(to)) return;
  for (const k of ['gateway4', 'gateway6']) {
    const v = def.get(k);
    if (v !== undefined && (via === undefined || String(v) === via)) def.delete(k);
  }
}

export function editNetplan(text: string, change: NetChange): string {
  const doc = load(text);
  if (change.kind === 'route-remove') {
    const def = findDef(doc, change.iface);
    if (!def) return text;
    removeMatchingRoutes(def, change.to, change.via);
    return render(text, doc);
  }
  const def = ensureDef(doc, change.iface);
  switch (change.kind) {
    case 'static':
      setDhcp4(doc, def, false);
      setList(doc, def, 'addresses', change.addresses, netplanAddress);
      setGateway(doc, def, change.gateway);
      if (change.dns !== undefined) setNameservers(doc, def, 'addresses', change.dns);
      break;
    case 'dhcp':
      setDhcp4(doc, def, true);
      def.delete('addresses');
      setGateway(doc, def, undefined);
      break;
    case 'dns':
      setNameservers(doc, def, 'addresses', change.servers);
      if (change.search !== undefined) setNameservers(doc, def, 'search', change.search);
      break;
    case 'route-add': {
      const r = change.route;
      if (routeItems(def).some((x) => x.via !== undefined && routeMatches({ to: x.to, via: x.via }, r.to, r.via))) break;
      const seq = seqOf(def, 'routes');
      if (seq) seq.items.push(doc.createNode({ to: r.to, via: r.via }));
      else def.set('routes', doc.createNode([{ to: r.to, via: r.via }]));
      break;
    }
  }
  return render(text, doc);
}

/**
 * For a file that defines IFACE but is not the one edited: remove what the change replaces and
 * netplan would otherwise concatenate with the edited file's lists.
 */
export function stripNetplan(text: string, change: NetChange): string {
  const doc = load(text);
  const def = findDef(doc, change.iface);
  if (!def) return text;
  switch (change.kind) {
    case 'static':
    case 'dhcp':
      def.delete('addresses');
      setGateway(doc, def, undefined);
      if (change.kind === 'static' && change.dns !== undefined) setNameservers(doc, def, 'addresses', []);
      break;
    case 'dns':
      setNameservers(doc, def, 'addresses', []);
      if (change.search !== undefined) setNameservers(doc, def, 'search', []);
      break;
    case 'route-add':
      return text;
    case 'route-remove':
      removeMatchingRoutes(def, change.to, change.via);
      break;
  }
  return render(text, doc);
}
