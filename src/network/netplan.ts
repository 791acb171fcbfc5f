import { posix } from 'node:path';
import { parseDocument } from 'yaml';
import { familyOf } from './address.js';
import { emptyConfig, routeMatches, type InterfaceConfig, type NetChange, type Route } from './model.js';
import { editNetplan, stripNetplan } from './netplan-edit.js';
import { isDefaultRoute, isMapping, NETPLAN_DEVICE_TYPES, netplanAddress, netplanInterfaceName, netplanTrue, str, type Json } from './netplan-keys.js';

// netplan (Ubuntu, and Debian with netplan.io): YAML under /{lib,etc,run}/netplan, read as
// netplan generate reads it (netplan-generate(8), "Handling multiple files"):
// - one file per basename: /run/netplan shadows /etc/netplan, which shadows /lib/netplan;
// - the files are merged in lexical order of basename, whatever their directory;
// - merging: later scalars override, mappings merge key by key, sequences CONCATENATE.
// The last rule matters for edits: addresses in an earlier file are not replaced by a later
// file's, so editNetplanFiles removes them from the other files that define the interface.

export { editNetplan } from './netplan-edit.js';

/** netplan ≥ 0.106 warns "Permissions for /etc/netplan/x.yaml are too open" above this. */
export const NETPLAN_FILE_MODE = 0o600;

/**
 * Where an interface no /etc/netplan file defines is written: a file of our own, so installer
 * and cloud-init files stay as they were, named to come after them (00-installer-config,
 * 01-network-manager-all, 50-cloud-init) and so win the merge.
 */
export const NETPLAN_NEW_FILE = '/etc/netplan/90-guestctl.yaml';

const DIRS = ['/lib/netplan', '/etc/netplan', '/run/netplan'];

/** The paths netplan reads among `files`, in its merge order (shadowed files left out). */
export function netplanFiles(files: Record<string, string>): string[] {
  const byName = new Map<string, string>();
  for (const dir of DIRS) {
    for (const p of Object.keys(files)) if (posix.dirname(p) === dir && p.endsWith('.yaml')) byName.set(posix.basename(p), p);
  }
  return [...byName.keys()].sort().map((n) => byName.get(n)!);
}

/** One file as plain data; a file netplan could not parse either is an error naming it. */
function parseFile(path: string, text: string): Json {
  const doc = parseDocument(text);
  if (doc.errors.length > 0) throw new Error(`${path}: ${doc.errors[0]!.message.split('\n')[0]}`);
  const v: unknown = doc.toJS();
  return isMapping(v) ? v : {};
}

function merge(a: unknown, b: unknown): unknown {
  if (isMapping(a) && isMapping(b)) {
    const out: Json = { ...a };
    // defineProperty: a key named __proto__ in a guest's file stays a key.
    for (const [k, v] of Object.entries(b)) Object.defineProperty(out, k, { value: k in a ? merge(a[k], v) : v, enumerable: true, writable: true, configurable: true });
    return out;
  }
  if (Array.isArray(a) && Array.isArray(b)) return [...a, ...b];
  return b;
}

/** Each definition of a `network:` mapping: [device type, id, definition]. */
function definitions(network: unknown): [string, string, Json][] {
  if (!isMapping(network)) return [];
  return NETPLAN_DEVICE_TYPES.flatMap((type) => {
    const section = network[type];
    if (!isMapping(section)) return [];
    return Object.entries(section).map(([id, def]): [string, string, Json] => [type, id, isMapping(def) ? def : {}]);
  });
}

/** The routes of a definition that have a gateway (`to` missing means default, as in netplan). */
export function netplanRoutes(def: Json, dev: string): Route[] {
  const list = Array.isArray(def['routes']) ? def['routes'] : [];
  return list.flatMap((r) => {
    const via = isMapping(r) ? str(r['via']) : undefined;
    return isMapping(r) && via !== undefined ? [{ to: str(r['to']) ?? 'default', via, dev }] : [];
  });
}

function configOf(name: string, def: Json): InterfaceConfig {
  const cfg = emptyConfig(name);
  cfg.addresses = (Array.isArray(def['addresses']) ? def['addresses'] : []).flatMap((a) => netplanAddress(a) ?? []);
  const dhcp = netplanTrue(def['dhcp4']) || netplanTrue(def['dhcp6']);
  cfg.method = dhcp ? 'dhcp' : cfg.addresses.length > 0 ? 'static' : 'manual';
  const routes = netplanRoutes(def, name);
  const defaults = routes.filter((r) => isDefaultRoute(r.to, r.via));
  const v4 = str(def['gateway4']) ?? defaults.find((r) => familyOf(r.via) === 4)?.via;
  const gateway = v4 ?? str(def['gateway6']) ?? defaults[0]?.via;
  if (gateway !== undefined) cfg.gateway = gateway;
  cfg.routes = routes.filter((r) => !isDefaultRoute(r.to, r.via));
  const ns = isMapping(def['nameservers']) ? def['nameservers'] : {};
  cfg.dns = (Array.isArray(ns['addresses']) ? ns['addresses'] : []).flatMap((a) => str(a) ?? []);
  cfg.search = (Array.isArray(ns['search']) ? ns['search'] : []).flatMap((a) => str(a) ?? []);
  return cfg;
}

function merged(files: Record<string, string>): unknown {
  let out: unknown = {};
  for (const p of netplanFiles(files)) out = merge(out, parseFile(p, files[p]!));
  return isMapping(out) ? out['network'] : undefined;
}

/** Every interface the merged netplan configuration defines, in the order netplan meets them. */
export function readNetplan(files: Record<string, string>): InterfaceConfig[] {
  return definitions(merged(files)).map(([, id, def]) => configOf(netplanInterfaceName(id, def), def));
}

/**
 * The /etc/netplan files (in merge order) that define IFACE, each with the id it has there: the
 * id is matched against the merged configuration, as set-name may be in another file.
 */
function definingFiles(files: Record<string, string>, iface: string): { path: string; id: string }[] {
  const ids = new Set(definitions(merged(files)).flatMap(([, id, def]) => (id === iface || netplanInterfaceName(id, def) === iface ? [id] : [])));
  return netplanFiles(files).flatMap((path) => {
    if (posix.dirname(path) !== '/etc/netplan') return [];
    const found = definitions(parseFile(path, files[path]!)['network']).find(([, id, def]) => ids.has(id) || netplanInterfaceName(id, def) === iface);
    return found ? [{ path, id: found[1] }] : [];
  });
}

/**
 * The file a change to IFACE edits: the last /etc/netplan file (in merge order) that defines it,
 * since its scalars win; NETPLAN_NEW_FILE when none does.
 */
export function netplanFileFor(files: Record<string, string>, iface: string): string {
  return definingFiles(files, iface).at(-1)?.path ?? NETPLAN_NEW_FILE;
}

/**
 * The new text of every file a change touches (path → text; unchanged files left out): the
 * change applied to netplanFileFor's file, and the sequences it replaces (addresses, default
 * routes, nameservers) removed from the other /etc/netplan files that define the interface,
 * which netplan would otherwise concatenate with the new ones.
 */
export function editNetplanFiles(files: Record<string, string>, change: NetChange): Record<string, string> {
  if (change.kind === 'route-add') {
    const cfg = readNetplan(files).find((c) => c.name === change.iface);
    const current = [...(cfg?.routes ?? []), ...(cfg?.gateway !== undefined ? [{ to: 'default', via: cfg.gateway }] : [])];
    if (current.some((r) => routeMatches(r, change.route.to, change.route.via))) return {};
  }
  const defining = definingFiles(files, change.iface);
  const target = defining.at(-1)?.path ?? NETPLAN_NEW_FILE;
  const out: Record<string, string> = {};
  // Each file is edited under the id the interface has there (set-name may be in another file).
  for (const { path, id } of defining) {
    if (path === target) continue;
    const text = stripNetplan(files[path]!, { ...change, iface: id });
    if (text !== files[path]) out[path] = text;
  }
  const before = files[target] ?? '';
  const after = editNetplan(before, { ...change, iface: defining.at(-1)?.id ?? change.iface });
  if (after !== before) out[target] = after;
  return out;
}
