import { defineCommand } from '../../src/shell/command.js';
import type { Output } from '../../src/shell/output.js';
import type { LiveInterface } from '../../src/guest/types.js';
import type { InterfaceConfig } from '../../src/network/model.js';
import { detectStack } from '../../src/network/detect.js';
import { gatherStackFacts } from '../../src/network/guest-facts.js';
import { backendOf } from '../../src/network/stacks.js';
import { readOptional } from '../../src/guest/file-changes.js';
import { readResolvConf } from '../../src/network/resolv-conf.js';
import { failIfError, guestRun } from '../../src/live/guest-run.js';

// What the guest's network stack configures, and on a running guest what it has now.

interface NetworkShown {
  stack: string | null;
  evidence: string[];
  interfaces: InterfaceConfig[];
  /** nameserver lines of /etc/resolv.conf as the guest sees it (null: no readable file). */
  resolvConf: { servers: string[]; search: string[] } | null;
  live?: { interfaces: LiveInterface[]; routes: string };
}

export const network = defineCommand({
  name: 'network',
  category: 'system-inspection',
  summary: 'Show the configured interfaces (static/DHCP, addresses, gateway, DNS, routes) and which network stack manages them',
  description:
    'The stack is detected from what is installed and enabled (netplan, NetworkManager, ifcfg, ifupdown, wicked, ' +
    'systemd-networkd) and the evidence is shown. On a running guest, the addresses it has now (guest agent) and its `ip route` too.',
  examples: ['network'],
  needs: ['fs', 'exec'],
  async run(ctx): Promise<NetworkShown> {
    const d = detectStack(await gatherStackFacts(ctx.guest));
    const interfaces = d.stack === null ? [] : await backendOf(d.stack).read(ctx.guest);
    const resolv = await readOptional(ctx.guest, '/etc/resolv.conf').catch((err: NodeJS.ErrnoException) => {
      // A dangling link to /run (systemd-resolved on an image) or a hostile link: nothing to show.
      if (err.code === 'ENOENT' || err.code === 'ELOOP' || err.code === 'EACCES') return null;
      throw err;
    });
    const shown: NetworkShown = { stack: d.stack, evidence: d.evidence, interfaces, resolvConf: resolv === null ? null : readResolvConf(resolv) };
    if (ctx.guest.kind === 'live') {
      const ifs = ctx.guest.networkInterfaces ? await ctx.guest.networkInterfaces() : [];
      const r = await guestRun(ctx, ['ip', 'route']);
      failIfError(r, 'ip route');
      shown.live = { interfaces: ifs, routes: r.stdout };
    }
    return shown;
  },
  render(r: NetworkShown, out: Output) {
    out.line(`stack: ${r.stack ?? 'none'} (${r.evidence.join('; ')})`);
    if (r.interfaces.length === 0) out.line('no interfaces configured');
    else
      out.table(
        ['IFACE', 'METHOD', 'ADDRESSES', 'GATEWAY', 'DNS', 'ROUTES'],
        r.interfaces.map((i) => [i.name, i.method, i.addresses.join(' ') || '-', i.gateway ?? '-', [...i.dns, ...i.search.map((s) => `search ${s}`)].join(' ') || '-', i.routes.map((x) => `${x.to} via ${x.via}`).join(', ') || '-']),
      );
    if (r.resolvConf) out.line(`/etc/resolv.conf: ${r.resolvConf.servers.join(' ') || 'no nameserver'}${r.resolvConf.search.length ? ` (search ${r.resolvConf.search.join(' ')})` : ''}`);
    if (r.live) {
      out.line('');
      out.line('now:');
      out.table(['IFACE', 'MAC', 'ADDRESSES'], r.live.interfaces.map((i) => [i.name, i.mac ?? '-', i.addresses.join(' ') || '-']));
      out.write(r.live.routes);
    }
  },
});
