import { defineCommand } from '../../src/shell/command.js';
import { DRY_RUN, dryRunOption } from '../../src/shell/dry-run.js';
import { CliError } from '../../src/util/errors.js';
import { routeMatches } from '../../src/network/model.js';
import { applyNetChanges, renderNetChange, type NetChangeResult } from './_shared/apply-net-change.js';
import { routeArgs, routeOptions } from './_shared/net-args.js';

export const netRouteRemove = defineCommand({
  name: 'net-route-remove',
  category: 'network-configuration',
  summary: 'Remove a static route from the network configuration the guest boots with',
  description: 'The route is looked for on every configured interface (or only on --dev); no such route is an error.',
  examples: ['net-route-remove 10.20.0.0/16', 'net-route-remove 10.20.0.0/16 --via 192.168.122.1 --dev eth0 --dry-run'],
  positionals: [{ name: 'DEST', complete: 'none', description: 'DEST/PREFIX, or default' }],
  options: {
    ...routeOptions('only the route through this gateway'),
    ...dryRunOption(),
  },
  mutates: true,
  journal: { trees: [] },
  needs: ['fs', 'exec'],
  async run(ctx, args): Promise<NetChangeResult> {
    const { to, via, dev } = routeArgs(args.str('DEST'), args.optStr('via'), args.optStr('dev'));
    return applyNetChanges(
      ctx,
      async (gs) => {
        const holders = (await gs.backend.read(ctx.guest)).filter((c) => (dev === undefined || c.name === dev) && c.routes.some((r) => routeMatches(r, to, via)));
        if (holders.length === 0) throw new CliError('not-found', `no route to ${to}${via ? ` via ${via}` : ''}${dev ? ` on ${dev}` : ''} in the ${gs.stack} configuration`);
        return { changes: holders.map((c) => ({ kind: 'route-remove' as const, iface: c.name, to, ...(via !== undefined ? { via } : {}) })) };
      },
      args.flag(DRY_RUN),
    );
  },
  render: renderNetChange,
});
