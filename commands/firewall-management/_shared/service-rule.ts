import type { CommandContext } from '../../../src/shell/command.js';
import { readOptional } from '../../../src/guest/file-changes.js';
import type { FirewallRule } from '../../../src/firewall/model.js';
import { resolveServiceRule } from '../../../src/firewall/services-file.js';
import { CliError } from '../../../src/util/errors.js';

/** --service NAME → the port rule the guest's /etc/services gives it, for the backends that only know ports. */
export async function resolveGuestService(ctx: CommandContext, rule: FirewallRule): Promise<FirewallRule> {
  if (rule.service === undefined) return rule;
  const services = await readOptional(ctx.guest, '/etc/services');
  if (services === null) throw new CliError('not-found', `--service ${rule.service}: the guest has no /etc/services`);
  return resolveServiceRule(rule, services);
}
