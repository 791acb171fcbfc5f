import { defineCommand } from '../../../src/shell/command.js';
import type { Output } from '../../../src/shell/output.js';
import { DRY_RUN, dryRunOption } from '../../../src/shell/dry-run.js';
import type { FirewallBackend, FirewallRule } from '../../../src/firewall/model.js';
import { describeRule, parseRuleInput } from '../../../src/firewall/rule-arg.js';
import { BACKENDS } from './backend.js';
import { detectBackend } from './detect-backend.js';
import { ZONE_OPTION, checkZone } from './rule-options.js';

interface RuleChangeResult {
  verb: 'add' | 'remove';
  backend: FirewallBackend;
  rules: FirewallRule[];
  changed: boolean;
  dryRun: boolean;
  diff?: string;
  commands?: string[][];
  files: string[];
  live?: { applied: boolean; detail?: string; later?: string };
}

/** firewall-add and firewall-remove: the same arguments, one change, the detected backend. */
export function ruleChangeCommand(verb: 'add' | 'remove', spec: { summary: string; description: string; examples: string[] }) {
  return defineCommand({
    name: `firewall-${verb}`,
    category: 'firewall-management',
    summary: spec.summary,
    description:
      `${spec.description} RULE is PORT[/tcp|/udp] (a port or a range low-high; without a protocol, both), or --service NAME instead ` +
      "(a firewalld service; for the file backends a name of the guest's /etc/services). nftables: the input chain's file is edited " +
      "and checked by the guest's `nft -c -f` (a rejected file is restored). firewalld: the guest's firewall-offline-cmd. " +
      "ufw: /etc/ufw/user.rules and user6.rules, checked by the guest's `ufw show added` and `iptables-restore --test`; on a running guest the guest's own `ufw allow`. " +
      "iptables-persistent: /etc/iptables/rules.v4 and rules.v6, checked by the guest's `iptables-restore --test`. " +
      'On a running guest the change is also applied now (nft -f / firewall-cmd / ufw / iptables-restore); if that fails it takes effect at next boot.',
    examples: spec.examples,
    positionals: [{ name: 'RULE', optional: true, complete: 'none', description: 'PORT[/PROTO], e.g. 8080/tcp or 6000-6010/udp' }],
    options: {
      service: { type: 'string', description: 'a service name instead of PORT' },
      source: { type: 'string', description: 'only from this IPv4/IPv6 address or CIDR' },
      ...ZONE_OPTION,
      ...dryRunOption('show the diff (file backends) or the firewall-offline-cmd command (firewalld) and change nothing'),
    },
    needs: ['exec'],
    mutates: true,
    journal: { trees: ['/etc/firewalld', '/etc/nftables.conf', '/etc/nftables.d', '/etc/ufw', '/etc/iptables', '/etc/sysconfig/iptables', '/etc/sysconfig/ip6tables'] },
    async run(ctx, args): Promise<RuleChangeResult> {
      const rule = parseRuleInput({ port: args.optStr('RULE'), service: args.optStr('service'), source: args.optStr('source'), zone: args.optStr('zone') });
      const d = await detectBackend(ctx);
      const ops = BACKENDS[d.backend];
      checkZone(d.backend, ops, rule.zone);
      const dryRun = args.flag(DRY_RUN);
      const o = await ops.change(ctx, { kind: verb, rule }, dryRun);
      if (!o.changed && verb === 'add') ctx.out.note(`${d.backend} already allows ${describeRule(o.rules[0] ?? rule)}: nothing to change`);
      if (o.live && !o.live.applied) ctx.out.note(`the running firewall was not changed (${o.live.detail}); the saved change takes effect ${o.live.later ?? 'at next boot'}`);
      return { verb, backend: d.backend, rules: o.rules, changed: o.changed, dryRun, files: o.files, ...(o.diff !== undefined ? { diff: o.diff } : {}), ...(o.commands ? { commands: o.commands } : {}), ...(o.live ? { live: o.live } : {}) };
    },
    render(r: RuleChangeResult, out: Output) {
      if (r.dryRun) {
        if (r.diff) out.write(r.diff);
        for (const c of r.commands ?? []) out.line(c.join(' '));
      }
      if (!r.changed) return;
      const did = r.dryRun ? `would ${r.verb}` : r.verb === 'add' ? 'added' : 'removed';
      for (const rule of r.rules) out.line(`${r.backend}: ${did} allow ${describeRule(rule)}${r.files.length > 0 ? ` (${r.files.join(', ')})` : ''}`);
      if (r.live?.applied) out.line('  applied to the running firewall too');
    },
  });
}
