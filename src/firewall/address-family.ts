import type { FirewallChange, FirewallRule } from './model.js';

// ufw and iptables-persistent keep IPv4 and IPv6 rules in two files: a rule with an IPv4 source
// goes into the IPv4 file only, one with an IPv6 source into the IPv6 file only, and a rule
// without a source into both (as `ufw allow 22/tcp` does).

export type Family = 'v4' | 'v6';

export function familiesOf(rule: FirewallRule): Family[] {
  if (rule.source === undefined) return ['v4', 'v6'];
  return rule.source.includes(':') ? ['v6'] : ['v4'];
}

/** "8000-8080" (the model's range) as iptables and ufw write it: "8000:8080". */
export function iptablesPort(port: string): string {
  return port.replace('-', ':');
}

/** An iptables/ufw port or range ("22", "6000:6007") as the model writes it. */
export function modelPort(port: string): string {
  return port.replace(':', '-');
}

/** "22" or "8000-8080", every port in 1..65535 and a range in order. */
export function isPortOrRange(port: string): boolean {
  const m = /^(\d{1,5})(?:-(\d{1,5}))?$/.exec(port);
  if (!m) return false;
  const lo = Number(m[1]);
  const hi = m[2] === undefined ? lo : Number(m[2]);
  return lo >= 1 && hi <= 65535 && lo <= hi;
}

/** Edit one file pair: each file the rule's families include gets `add` or `remove`, the other stays as it is. */
export function editPair(
  files: Record<Family, string>,
  change: FirewallChange,
  edit: { add: (text: string, family: Family) => string; remove: (text: string, family: Family) => string },
): Record<Family, string> {
  const families = familiesOf(change.rule);
  const one = (family: Family) => (families.includes(family) ? edit[change.kind](files[family], family) : files[family]);
  return { v4: one('v4'), v6: one('v6') };
}
