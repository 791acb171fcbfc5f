import type { FirewallChange, FirewallRule, ListedRule, Protocol } from './model.js';
import { isIpv6 } from './rule-arg.js';

// firewalld through its own command line (firewall-offline-cmd / firewall-cmd): the arguments
// for a change, and the allow rules read back from `--list-all`. Pure.

/** The rich rule for a rule with a source (firewalld's own normalised spelling, so removal matches). */
export function richRule(rule: FirewallRule, proto?: Protocol): string {
  const family = isIpv6(rule.source!) ? 'ipv6' : 'ipv4';
  const what = rule.service !== undefined ? `service name="${rule.service}"` : `port port="${rule.port}" protocol="${proto}"`;
  return `rule family="${family}" source address="${rule.source}" ${what} accept`;
}

/** The action arguments (without --zone) of a change: one per protocol when the rule has none. */
export function firewalldChangeArgs(change: FirewallChange): string[] {
  const verb = change.kind === 'add' ? 'add' : 'remove';
  const r = change.rule;
  const protos: Protocol[] = r.proto ? [r.proto] : ['tcp', 'udp'];
  if (r.source !== undefined) {
    if (r.service !== undefined) return [`--${verb}-rich-rule=${richRule(r)}`];
    return protos.map((p) => `--${verb}-rich-rule=${richRule(r, p)}`);
  }
  if (r.service !== undefined) return [`--${verb}-service=${r.service}`];
  return protos.map((p) => `--${verb}-port=${r.port}/${p}`);
}

const RICH = /^rule family="ipv[46]" source address="([^"]+)" (?:service name="([^"]+)"|port port="([^"]+)" protocol="(tcp|udp)") accept$/;

/** The allow rules of `firewall-offline-cmd [--zone=Z] --list-all`; the zone is its first word. */
export function parseListAll(text: string): ListedRule[] {
  const lines = text.split('\n');
  const zone = /^(\S+)/.exec(lines.find((l) => l.trim() !== '') ?? '')?.[1] ?? '';
  const origin = `zone ${zone}`;
  const out: ListedRule[] = [];
  let inRich = false;
  for (const line of lines) {
    const field = /^\s+([a-z -]+):\s*(.*)$/.exec(line);
    if (field) {
      inRich = field[1] === 'rich rules';
      const values = field[2]!.split(/\s+/).filter(Boolean);
      if (field[1] === 'services') for (const s of values) out.push({ service: s, zone, origin, text: `service ${s}` });
      if (field[1] === 'ports') {
        for (const p of values) {
          const [port, proto] = p.split('/');
          if (proto === 'tcp' || proto === 'udp') out.push({ port: port!, proto, zone, origin, text: `port ${p}` });
        }
      }
      continue;
    }
    const m = inRich ? RICH.exec(line.trim()) : null;
    if (!m) continue;
    out.push({ ...(m[2] ? { service: m[2] } : { port: m[3]!, proto: m[4] as Protocol }), source: m[1]!, zone, origin, text: line.trim() });
  }
  return out;
}
