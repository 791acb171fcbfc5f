import type { FirewallBackend } from '../../../src/firewall/model.js';
import { CliError } from '../../../src/util/errors.js';
import type { FirewallOps } from './firewall-ops.js';

export const ZONE_OPTION = { zone: { type: 'string', description: 'firewalld zone (default: the default zone); firewalld only' } } as const;

/** --zone is firewalld's: refused in one line for the others. */
export function checkZone(backend: FirewallBackend, ops: FirewallOps, zone: string | undefined): void {
  if (zone !== undefined && !ops.zones) throw new CliError('usage', `--zone is for firewalld; this guest's firewall is ${backend}`);
}

