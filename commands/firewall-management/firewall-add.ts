import { ruleChangeCommand } from './_shared/rule-change-command.js';

export const firewallAdd = ruleChangeCommand('add', {
  summary: 'Allow incoming traffic to a port or service in the guest firewall (the one enabled at boot)',
  description: 'Adds an allow rule; nftables puts it before the input chain\'s closing drop/reject rules, else at the end of the chain.',
  examples: ['firewall-add 8080/tcp', 'firewall-add --service http', 'firewall-add 5432/tcp --source 10.0.0.0/8', 'firewall-add 443/tcp --zone internal --dry-run'],
});
