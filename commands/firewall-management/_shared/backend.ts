import type { FirewallBackend } from '../../../src/firewall/model.js';
import { nftablesBackend } from './nftables-backend.js';
import { firewalldBackend } from './firewalld-backend.js';
import { iptablesBackend } from './iptables-backend.js';
import { ufwBackend } from './ufw-backend.js';
import type { FirewallOps } from './firewall-ops.js';

// One entry per backend the detection can pick (the interface is in firewall-ops.ts).

export const BACKENDS: Record<FirewallBackend, FirewallOps> = {
  firewalld: firewalldBackend,
  nftables: nftablesBackend,
  ufw: ufwBackend,
  iptables: iptablesBackend,
};
