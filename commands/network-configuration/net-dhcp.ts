import { defineCommand } from '../../src/shell/command.js';
import { DRY_RUN, dryRunOption } from '../../src/shell/dry-run.js';
import { applyNetChanges, renderNetChange, type NetChangeResult } from './_shared/apply-net-change.js';
import { checkIface } from './_shared/net-args.js';

export const netDhcp = defineCommand({
  name: 'net-dhcp',
  category: 'network-configuration',
  summary: 'Make an interface get its IPv4 address by DHCP, in the network stack the guest uses',
  description: 'The static IPv4 addresses and gateway of the interface are removed. Validated and applied as net-setip is.',
  examples: ['net-dhcp eth0', 'net-dhcp enp1s0 --dry-run'],
  positionals: [{ name: 'IFACE', complete: 'none', description: 'interface name' }],
  options: dryRunOption(),
  mutates: true,
  journal: { trees: [] },
  needs: ['fs', 'exec'],
  async run(ctx, args): Promise<NetChangeResult> {
    const iface = checkIface(args.str('IFACE'));
    return applyNetChanges(ctx, async () => ({ changes: [{ kind: 'dhcp', iface }] }), args.flag(DRY_RUN));
  },
  render: renderNetChange,
});
