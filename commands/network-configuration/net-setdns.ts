import { defineCommand } from '../../src/shell/command.js';
import { DRY_RUN, dryRunOption } from '../../src/shell/dry-run.js';
import { resolverChange } from '../../src/network/dns-target.js';
import type { NetChange } from '../../src/network/model.js';
import { applyNetChanges, renderNetChange, type NetChangeResult } from './_shared/apply-net-change.js';
import { checkAddress, checkDomain } from './_shared/net-args.js';

export const netSetdns = defineCommand({
  name: 'net-setdns',
  category: 'network-configuration',
  summary: 'Set the DNS servers (and search domains) the guest uses',
  description:
    'Through the stack own setting: on every interface it configures (NetworkManager dns=, networkd DNS=, ifcfg DNSn, ' +
    'ifupdown dns-nameservers when resolvconf is installed), wicked NETCONFIG_DNS_STATIC_SERVERS; otherwise ' +
    '/etc/systemd/resolved.conf when /etc/resolv.conf is the systemd-resolved link, else /etc/resolv.conf.',
  examples: ['net-setdns 1.1.1.1 9.9.9.9', 'net-setdns 10.0.0.53 --search example.com', 'net-setdns 1.1.1.1 --dry-run'],
  positionals: [{ name: 'IP', variadic: true, complete: 'none', description: 'DNS server addresses' }],
  options: {
    search: { type: 'string', valueName: 'DOMAIN', multiple: true, description: 'search domain (repeat for more)' },
    ...dryRunOption(),
  },
  mutates: true,
  journal: { trees: [] },
  needs: ['fs', 'exec'],
  async run(ctx, args): Promise<NetChangeResult> {
    const servers = args.list('IP').map(checkAddress);
    const given = args.list('search').map(checkDomain);
    const search = given.length > 0 ? given : undefined;
    return applyNetChanges(
      ctx,
      async (gs) => {
        const ifaces = (await gs.backend.read(ctx.guest)).filter((c) => c.method === 'static' || c.method === 'dhcp').map((c) => c.name);
        if (ifaces.length === 0 || !(await gs.backend.perInterfaceDns(ctx.guest))) return { changes: [], extra: [await resolverChange(ctx.guest, servers, search)] };
        const changes: NetChange[] = ifaces.map((iface) => ({ kind: 'dns', iface, servers, ...(search ? { search } : {}) }));
        return { changes };
      },
      args.flag(DRY_RUN),
    );
  },
  render: renderNetChange,
});
