import { defineCommand } from '../../src/shell/command.js';
import { DRY_RUN, dryRunOption } from '../../src/shell/dry-run.js';
import { CliError } from '../../src/util/errors.js';
import { applyNetChanges, renderNetChange, type NetChangeResult } from './_shared/apply-net-change.js';
import { routeArgs, routeOptions } from './_shared/net-args.js';
import { routeIface } from './_shared/route-iface.js';

export const netRouteAdd = defineCommand({
  name: 'net-route-add',
  category: 'network-configuration',
  summary: 'Add a static route to the network configuration the guest boots with',
  description: 'Without --dev the route goes on the configured interface whose subnet holds the gateway, or the only configured one.',
  examples: ['net-route-add 10.20.0.0/16 --via 192.168.122.1', 'net-route-add 10.20.0.0/16 --via 10.0.0.1 --dev eth0 --dry-run'],
  positionals: [{ name: 'DEST', complete: 'none', description: 'DEST/PREFIX, or default' }],
  options: {
    ...routeOptions('the gateway (required)'),
    ...dryRunOption(),
  },
  mutates: true,
  journal: { trees: [] },
  needs: ['fs', 'exec'],
  async run(ctx, args): Promise<NetChangeResult> {
    const { to, via, dev } = routeArgs(args.str('DEST'), args.optStr('via'), args.optStr('dev'));
    if (via === undefined) throw new CliError('usage', 'net-route-add needs --via GW');
    return applyNetChanges(
      ctx,
      async (gs) => {
        const iface = routeIface(await gs.backend.read(ctx.guest), via, dev);
        return { changes: [{ kind: 'route-add', iface, route: { to, via, dev: iface } }] };
      },
      args.flag(DRY_RUN),
    );
  },
  render: renderNetChange,
});
