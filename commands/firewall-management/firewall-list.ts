import type { Output } from '../../src/shell/output.js';
import { defineCommand } from '../../src/shell/command.js';
import type { FirewallBackend, ListedRule } from '../../src/firewall/model.js';
import { describeRule } from '../../src/firewall/rule-arg.js';
import { BACKENDS } from './_shared/backend.js';
import { detectBackend } from './_shared/detect-backend.js';
import { ZONE_OPTION, checkZone } from './_shared/rule-options.js';

interface FirewallListResult {
  backend: FirewallBackend;
  evidence: string;
  rules: ListedRule[];
}

export const firewallList = defineCommand({
  name: 'firewall-list',
  category: 'firewall-management',
  summary: 'List the incoming ports and services the guest firewall allows at boot, and which firewall that is',
  description:
    'The firewall is the one enabled at boot (firewalld, then ufw, nftables, iptables-persistent when several are). ' +
    "firewalld: the guest's firewall-offline-cmd --list-all (the default zone, or --zone). nftables: the accept rules by port of the input chain in /etc/nftables.conf " +
    '(or /etc/sysconfig/nftables.conf) and the files it includes, read inside the guest. ufw: the allow rules of /etc/ufw/user.rules and user6.rules. ' +
    'iptables-persistent: the INPUT accept rules by port of /etc/iptables/rules.v4 and rules.v6.',
  examples: ['firewall-list', 'firewall-list --zone internal'],
  options: { ...ZONE_OPTION },
  needs: ['exec'],
  async run(ctx, args): Promise<FirewallListResult> {
    const d = await detectBackend(ctx);
    const ops = BACKENDS[d.backend];
    const zone = args.optStr('zone');
    checkZone(d.backend, ops, zone);
    return { backend: d.backend, evidence: d.evidence, rules: await ops.list(ctx, zone) };
  },
  render(r: FirewallListResult, out: Output) {
    out.line(`firewall: ${r.backend} (${r.evidence})`);
    if (r.rules.length === 0) out.line('  no allow rules');
    for (const rule of r.rules) out.line(`  allow ${describeRule(rule)}    ${rule.origin}: ${rule.text}`);
  },
});
