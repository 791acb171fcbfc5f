import { CliError } from '../util/errors.js';
import type { FirewallRule, Protocol } from './model.js';

// --service NAME for the backends that only know ports (ufw, iptables, nftables): the port and
// protocols come from the guest's own /etc/services, by name or alias, as ufw resolves
// `ufw allow ssh`. A name listed for both tcp and udp on one port covers both (ufw's `allow 53`).

export interface ServicePort {
  port: string;
  /** Absent when the service is listed for both tcp and udp on that port. */
  proto?: Protocol;
}

export function lookupService(servicesText: string, name: string): ServicePort | undefined {
  const found = new Map<Protocol, string>();
  for (const raw of servicesText.split('\n')) {
    const hash = raw.indexOf('#');
    const [svc, portProto, ...aliases] = (hash < 0 ? raw : raw.slice(0, hash)).trim().split(/\s+/);
    const m = /^(\d+)\/(tcp|udp)$/.exec(portProto ?? '');
    if (!m || (svc !== name && !aliases.includes(name))) continue;
    const proto = m[2] as Protocol;
    if (!found.has(proto)) found.set(proto, m[1]!);
  }
  const tcp = found.get('tcp');
  const udp = found.get('udp');
  if (tcp !== undefined && udp !== undefined && tcp === udp) return { port: tcp };
  if (tcp !== undefined) return { port: tcp, proto: 'tcp' };
  if (udp !== undefined) return { port: udp, proto: 'udp' };
  return undefined;
}

/**
 * A rule naming a service as the port rule it stands for; a protocol the rule gives narrows
 * the service to it. A rule without a service is returned as it is.
 */
export function resolveServiceRule(rule: FirewallRule, servicesText: string): FirewallRule {
  if (rule.service === undefined) return rule;
  const { service, ...rest } = rule;
  const found = lookupService(servicesText, service);
  if (!found) throw new CliError('not-found', `service '${service}' is not in the guest's /etc/services`);
  if (rule.proto && found.proto && rule.proto !== found.proto) {
    throw new CliError('usage', `service '${service}' is ${found.proto} only in the guest's /etc/services, not ${rule.proto}`);
  }
  const proto = rule.proto ?? found.proto;
  return { ...rest, port: found.port, ...(proto ? { proto } : {}) };
}
