import { CliError } from '../util/errors.js';
import type { FirewallBackend } from './model.js';

// Which firewall a guest uses, decided from what is enabled at boot. When several are enabled
// the first of DETECTION_ORDER wins: firewalld and ufw program nftables/iptables themselves, so
// their units are the more specific evidence (a Debian with firewalld often also has
// nftables.service enabled from the package default).

export const DETECTION_ORDER: readonly FirewallBackend[] = ['firewalld', 'ufw', 'nftables', 'iptables'];

/** The unit that starts each backend at boot. */
export const BACKEND_UNITS: Record<FirewallBackend, string> = {
  firewalld: 'firewalld.service',
  ufw: 'ufw.service',
  nftables: 'nftables.service',
  iptables: 'netfilter-persistent.service',
};

export interface FirewallFacts {
  /** Units `systemctl list-unit-files` reports as enabled (of those in BACKEND_UNITS). */
  enabledUnits: ReadonlySet<string>;
  /** /etc/ufw/ufw.conf says ENABLED=yes (ufw.service starts but loads nothing without it). */
  ufwEnabled: boolean;
}

export interface Detection {
  backend: FirewallBackend;
  /** Why, e.g. "firewalld.service is enabled". */
  evidence: string;
  /** The other backends that are enabled too, passed over by DETECTION_ORDER. */
  passedOver: FirewallBackend[];
}

function evidenceFor(backend: FirewallBackend, facts: FirewallFacts): string | null {
  const unit = BACKEND_UNITS[backend];
  if (!facts.enabledUnits.has(unit)) return null;
  if (backend === 'ufw') return facts.ufwEnabled ? `${unit} is enabled and /etc/ufw/ufw.conf has ENABLED=yes` : null;
  return `${unit} is enabled`;
}

export function detectFirewall(facts: FirewallFacts): Detection {
  const found = DETECTION_ORDER.map((b) => ({ backend: b, evidence: evidenceFor(b, facts) })).filter((f) => f.evidence !== null);
  const first = found[0];
  if (!first) {
    throw new CliError(
      'unsupported',
      'no firewall is enabled in the guest: enable one of firewalld, ufw, nftables (nftables.service), iptables-persistent (netfilter-persistent.service)',
    );
  }
  return { backend: first.backend, evidence: first.evidence!, passedOver: found.slice(1).map((f) => f.backend) };
}

/** ufw.conf's ENABLED=yes (shell syntax: optional quotes, the last assignment wins). */
export function ufwConfEnabled(text: string | null): boolean {
  let enabled = false;
  for (const line of (text ?? '').split('\n')) {
    const m = /^\s*ENABLED\s*=\s*["']?(\w+)["']?\s*(?:#.*)?$/.exec(line);
    if (m) enabled = m[1]!.toLowerCase() === 'yes';
  }
  return enabled;
}
