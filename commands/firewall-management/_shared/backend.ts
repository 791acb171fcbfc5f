import type { FirewallBackend } from '../../../src/firewall/model.js';
import { CliError } from '../../../src/util/errors.js';
import { nftablesBackend } from './nftables-backend.js';
import { firewalldBackend } from './firewalld-backend.js';
import type { FirewallOps } from './firewall-ops.js';

// One entry per backend the detection can pick (the interface is in firewall-ops.ts).

/** A backend whose editor has not landed yet. */
function notYet(name: string): FirewallOps {
  const fail = (): never => {
    throw new CliError('unsupported', `${name}: not supported yet`);
  };
  return { list: async () => fail(), change: async () => fail(), zones: false };
}

export const BACKENDS: Record<FirewallBackend, FirewallOps> = {
  firewalld: firewalldBackend,
  nftables: nftablesBackend,
  // ufw: plug in src/firewall/ufw.ts here (list its rule files, apply the change, validate in the jail).
  ufw: notYet('ufw'),
  // iptables: plug in src/firewall/iptables.ts here (/etc/iptables/rules.v4/v6, iptables-restore --test).
  iptables: notYet('iptables-persistent'),
};
