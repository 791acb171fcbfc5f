// The one model every network stack is read into and every change is written from. Each stack
// (nm-keyfile.ts, ifcfg.ts, ifupdown.ts, networkd.ts, wicked.ts) reads its files into
// InterfaceConfig and applies a NetChange to its text, keeping everything else byte for byte.

/** static: addresses set in the file; dhcp: from a DHCP server; manual: link up, no address from this stack. */
export type Method = 'static' | 'dhcp' | 'manual' | 'disabled' | 'other';

export interface Route {
  /** DEST/PREFIX, or 'default'. */
  to: string;
  via: string;
  dev?: string;
}

export interface InterfaceConfig {
  name: string;
  method: Method;
  /** ADDR/PREFIX, IPv4 and IPv6. */
  addresses: string[];
  gateway?: string;
  dns: string[];
  search: string[];
  routes: Route[];
}

export type NetChange =
  | { kind: 'static'; iface: string; addresses: string[]; gateway?: string; dns?: string[] }
  | { kind: 'dhcp'; iface: string }
  | { kind: 'dns'; iface: string; servers: string[]; search?: string[] }
  | { kind: 'route-add'; iface: string; route: Route }
  | { kind: 'route-remove'; iface: string; to: string; via?: string };

export function emptyConfig(name: string, method: Method = 'other'): InterfaceConfig {
  return { name, method, addresses: [], dns: [], search: [], routes: [] };
}

/** Does `r` match a route-remove change (same destination, and the same gateway when one is given)? */
export function routeMatches(r: Route, to: string, via?: string): boolean {
  return sameDestination(r.to, to) && (via === undefined || r.via === via);
}

function sameDestination(a: string, b: string): boolean {
  const norm = (s: string) => (s === '0.0.0.0/0' || s === '::/0' || s === 'default' ? 'default' : s);
  return norm(a) === norm(b);
}
