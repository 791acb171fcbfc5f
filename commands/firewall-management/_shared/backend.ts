import type { CommandContext } from '../../../src/shell/command.js';
import type { FirewallBackend, FirewallChange, FirewallRule, ListedRule } from '../../../src/firewall/model.js';
import { CliError } from '../../../src/util/errors.js';
import { nftablesBackend } from './nftables-backend.js';
import { firewalldBackend } from './firewalld-backend.js';

// One entry per backend the detection can pick. A backend lists the allow rules and applies one
// change: persisted in the guest (files or firewall-offline-cmd), and on a live guest also applied
// to the running firewall.

export interface ChangeOutcome {
  /** The rule as written (a --service rule resolved to its port for the file backends). */
  rules: FirewallRule[];
  /** false when the rule was already there (add) — nothing written. */
  changed: boolean;
  /** --dry-run of a file backend: the unified diff. */
  diff?: string;
  /** --dry-run of a tool backend: the commands it would run. */
  commands?: string[][];
  /** Guest files written. */
  files: string[];
  /** Live guest: 'now' when the running firewall has it too, else why not. */
  live?: { applied: boolean; detail?: string };
}

export interface FirewallOps {
  list(ctx: CommandContext, zone: string | undefined): Promise<ListedRule[]>;
  change(ctx: CommandContext, change: FirewallChange, dryRun: boolean): Promise<ChangeOutcome>;
  /** Whether --zone means something to this backend. */
  zones: boolean;
}

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
