import { shellVars } from '../editors/shell-vars.js';
import { netmaskToPrefix, parseCidr, prefixToNetmask } from './address.js';
import { routeMatches, type NetChange, type Route } from './model.js';
import { unsetShellVars } from './shell-file.js';

// RHEL initscripts route-IFACE files, in either of their two forms: `ip route` arguments one
// route a line (`10.0.0.0/8 via 192.168.1.1 dev eth0`), or numbered ADDRESSn/NETMASKn/GATEWAYn
// variables. An edit keeps the form the file already uses; a new file gets the `ip` form.

const NUMBERED = /^\s*ADDRESS\d+=/m;

function ipLineRoute(line: string, iface: string): Route | null {
  const t = line.replace(/#.*/, '').trim().split(/\s+/);
  if (t.length < 3 || t[0] === '') return null;
  const via = t.indexOf('via');
  if (via < 0 || !t[via + 1]) return null;
  const dev = t.indexOf('dev');
  return { to: t[0]!, via: t[via + 1]!, dev: dev >= 0 && t[dev + 1] ? t[dev + 1]! : iface };
}

function numberedRoutes(text: string, iface: string): Route[] {
  const v = shellVars(text);
  const out: Route[] = [];
  for (let i = 0; v[`ADDRESS${i}`]; i++) {
    const mask = v[`NETMASK${i}`];
    const prefix = mask ? netmaskToPrefix(mask) : 32;
    out.push({ to: `${v[`ADDRESS${i}`]}/${prefix}`, via: v[`GATEWAY${i}`] ?? '', dev: iface });
  }
  return out;
}

export function readIfcfgRoutes(text: string, iface: string): Route[] {
  if (NUMBERED.test(text)) return numberedRoutes(text, iface);
  return text.split('\n').flatMap((l) => ipLineRoute(l, iface) ?? []);
}

function numberedText(routes: Route[]): string {
  return routes
    .map((r, i) => {
      const c = parseCidr(r.to);
      return `ADDRESS${i}=${c?.address ?? r.to}\nNETMASK${i}=${prefixToNetmask(c?.prefix ?? 32)}\nGATEWAY${i}=${r.via}\n`;
    })
    .join('');
}

/** Apply a route change to route-IFACE (null: the file does not exist). Other changes leave it alone. */
export function editIfcfgRoutes(text: string | null, change: NetChange): string | null {
  if (change.kind !== 'route-add' && change.kind !== 'route-remove') return text;
  const current = text ?? '';
  const routes = readIfcfgRoutes(current, change.iface);
  if (change.kind === 'route-add') {
    const r = change.route;
    if (routes.some((x) => routeMatches(x, r.to, r.via))) return text;
    if (NUMBERED.test(current)) return unsetShellVars(current, (k) => /^(ADDRESS|NETMASK|GATEWAY)\d+$/.test(k)) + numberedText([...routes, r]);
    const line = `${r.to} via ${r.via} dev ${r.dev ?? change.iface}\n`;
    return current === '' || current.endsWith('\n') ? current + line : `${current}\n${line}`;
  }
  const kept = routes.filter((x) => !routeMatches(x, change.to, change.via));
  if (kept.length === routes.length) return text;
  if (NUMBERED.test(current)) return unsetShellVars(current, (k) => /^(ADDRESS|NETMASK|GATEWAY)\d+$/.test(k)) + numberedText(kept);
  return current
    .split('\n')
    .filter((l) => {
      const r = ipLineRoute(l, change.iface);
      return r === null || !routeMatches(r, change.to, change.via);
    })
    .join('\n');
}
