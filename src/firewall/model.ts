// The one model every firewall backend is read into and every change is written from. Each backend
// (nftables.ts, ufw.ts, iptables-persistent.ts; firewalld goes through the guest's own
// firewall-offline-cmd) lists its allow rules as FirewallRule and applies a FirewallChange to its
// text, keeping everything else byte for byte.

export type FirewallBackend = 'firewalld' | 'ufw' | 'nftables' | 'iptables';

export type Protocol = 'tcp' | 'udp';

/** An "allow incoming" rule, the only kind the firewall commands write. */
export interface FirewallRule {
  /** A port or an inclusive range "8000-8080"; absent for a --service rule. */
  port?: string;
  /** Absent when the rule covers both (ufw's `allow 53`). */
  proto?: Protocol;
  /** A service name (firewalld service, /etc/services name for the others). */
  service?: string;
  /** Source CIDR (IPv4 or IPv6); absent = anywhere. */
  source?: string;
  /** firewalld zone; absent = the default zone. */
  zone?: string;
}

export type FirewallChange = { kind: 'add'; rule: FirewallRule } | { kind: 'remove'; rule: FirewallRule };

/** A rule as listed: the rule, plus where it was read from and the backend's own text for it. */
export interface ListedRule extends FirewallRule {
  /** e.g. "/etc/nftables.conf:14" or "zone public". */
  origin: string;
  /** The backend's own spelling, e.g. "tcp dport 22 accept". */
  text: string;
}

/** Same rule (ports compared as written, proto absent only equals absent)? */
export function sameRule(a: FirewallRule, b: FirewallRule): boolean {
  return (
    a.port === b.port &&
    a.proto === b.proto &&
    a.service === b.service &&
    a.source === b.source &&
    (a.zone ?? '') === (b.zone ?? '')
  );
}
