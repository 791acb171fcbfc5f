import type { CommandContext } from '../../../src/shell/command.js';
import type { FirewallChange, FirewallRule, ListedRule } from '../../../src/firewall/model.js';

// What a firewall backend does: list the allow rules and apply one change, persisted in the guest
// (files or firewall-offline-cmd) and, on a live guest, also applied to the running firewall.

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
  /** Live guest: 'now' when the running firewall has it too, else why not (and when it will: default "at next boot"). */
  live?: { applied: boolean; detail?: string; later?: string };
}

export interface FirewallOps {
  list(ctx: CommandContext, zone: string | undefined): Promise<ListedRule[]>;
  change(ctx: CommandContext, change: FirewallChange, dryRun: boolean): Promise<ChangeOutcome>;
  /** Whether --zone means something to this backend. */
  zones: boolean;
}

