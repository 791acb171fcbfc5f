import { ruleChangeCommand } from './_shared/rule-change-command.js';

export const firewallRemove = ruleChangeCommand('remove', {
  summary: 'Remove an allow rule from the guest firewall, matched exactly (port, protocol, source)',
  description: 'A rule that is not there is an error, naming the firewall.',
  examples: ['firewall-remove 8080/tcp', 'firewall-remove --service http', 'firewall-remove 5432/tcp --source 10.0.0.0/8 --dry-run'],
});
