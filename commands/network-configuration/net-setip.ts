import { defineCommand } from '../../src/shell/command.js';
import { DRY_RUN, dryRunOption } from '../../src/shell/dry-run.js';
import { resolverChange } from '../../src/network/dns-target.js';
import { applyNetChanges, renderNetChange, type NetChangeResult } from './_shared/apply-net-change.js';
import { checkAddress, checkCidr, checkIface } from './_shared/net-args.js';

export const netSetip = defineCommand({
  name: 'net-setip',
  category: 'network-configuration',
  summary: 'Give an interface a static address (and gateway, DNS) in the network stack the guest uses',
  description:
    'Written in the stack detected from what is installed and enabled (netplan, ifupdown, NetworkManager keyfiles, systemd-networkd, ' +
    'ifcfg, wicked), validated by the guest\'s own tool where one works offline; a failed check restores the files. ' +
    'A running guest gets the files only: the address takes effect at next boot or when the stack reloads.',
  examples: ['net-setip eth0 192.168.122.10/24', 'net-setip eth0 10.0.0.5/24 --gateway 10.0.0.1 --dns 1.1.1.1 --dns 9.9.9.9', 'net-setip enp1s0 10.0.0.5/24 --dry-run'],
  positionals: [
    { name: 'IFACE', complete: 'none', description: 'interface name' },
    { name: 'ADDR', complete: 'none', description: 'ADDR/PREFIX, IPv4 or IPv6' },
  ],
  options: {
    gateway: { type: 'string', valueName: 'GW', description: 'default gateway' },
    dns: { type: 'string', valueName: 'IP', multiple: true, description: 'DNS server (repeat for more)' },
    ...dryRunOption(),
  },
  mutates: true,
  journal: { trees: [] },
  needs: ['fs', 'exec'],
  async run(ctx, args): Promise<NetChangeResult> {
    const iface = checkIface(args.str('IFACE'));
    const addr = checkCidr(args.str('ADDR'));
    const gw = args.optStr('gateway');
    if (gw !== undefined) checkAddress(gw);
    const dns = args.list('dns').map(checkAddress);
    return applyNetChanges(
      ctx,
      async (gs) => {
        const perIface = dns.length === 0 || (await gs.backend.perInterfaceDns(ctx.guest));
        const change = { kind: 'static' as const, iface, addresses: [addr], ...(gw !== undefined ? { gateway: gw } : {}), ...(dns.length > 0 && perIface ? { dns } : {}) };
        return { changes: [change], extra: perIface ? [] : [await resolverChange(ctx.guest, dns)] };
      },
      args.flag(DRY_RUN),
    );
  },
  render: renderNetChange,
});
