import { routeMatches, type InterfaceConfig, type NetChange } from './model.js';

// The re-read check: after a change is written, the stack's own reader must see it. Used where the
// guest has no offline validator, and after every validator as a second look.

/** Why the configs read back do not show `change`, or null when they do. */
export function notReflected(configs: InterfaceConfig[], change: NetChange): string | null {
  const cfg = configs.find((c) => c.name === change.iface);
  if (!cfg) return `${change.iface} is not configured in the file read back`;
  const missing = (what: string) => `${change.iface} read back without ${what}`;
  switch (change.kind) {
    case 'static': {
      const lost = change.addresses.find((a) => !cfg.addresses.includes(a));
      if (lost) return missing(lost);
      if (cfg.method !== 'static') return `${change.iface} read back with method ${cfg.method}, not static`;
      if (change.gateway !== undefined && cfg.gateway !== change.gateway && !cfg.routes.some((r) => r.via === change.gateway)) return missing(`gateway ${change.gateway}`);
      return null;
    }
    case 'dhcp':
      return cfg.method === 'dhcp' ? null : `${change.iface} read back with method ${cfg.method}, not dhcp`;
    case 'dns': {
      const lost = change.servers.find((s) => !cfg.dns.includes(s));
      return lost ? missing(`DNS server ${lost}`) : null;
    }
    case 'route-add': {
      const r = change.route;
      const there = r.to === 'default' ? cfg.gateway === r.via : cfg.routes.some((x) => routeMatches(x, r.to, r.via));
      return there ? null : missing(`route ${r.to} via ${r.via}`);
    }
    case 'route-remove':
      return cfg.routes.some((x) => routeMatches(x, change.to, change.via)) ? `${change.iface} still has a route to ${change.to}` : null;
  }
}
