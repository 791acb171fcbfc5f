import type { CommandContext } from '../../../src/shell/command.js';
import { applyChanges, diffOf } from '../../../src/guest/file-changes.js';
import type { FirewallChange } from '../../../src/firewall/model.js';
import { applyNftChange, listNftRules } from '../../../src/firewall/nftables.js';
import { CliError } from '../../../src/util/errors.js';
import type { ChangeOutcome, FirewallOps } from './firewall-ops.js';
import { loadNftConfig } from './nft-config.js';
import { resolveGuestService } from './service-rule.js';
import { lastLine, runGuestTool } from './guest-tool.js';

// nftables: the config files edited as text, checked by the guest's own `nft -c -f MAIN` (in the
// jail with CAP_NET_ADMIN over its own empty network namespace), and on a live guest reloaded
// with `nft -f MAIN`, which is what nftables.service's reload does.

async function nftCheck(ctx: CommandContext, main: string): Promise<void> {
  const r = await runGuestTool(ctx, ['nft', '-c', '-f', main], { netAdmin: ctx.guest.kind !== 'live' });
  if (r.code !== 0) {
    const msg = r.stderr.split('\n').map((l) => l.trim()).find((l) => /Error:/.test(l)) ?? lastLine(r.stderr) ?? `exit status ${r.code}`;
    throw new CliError('failed', `nft -c -f ${main} rejected the change: ${msg}`);
  }
}

export const nftablesBackend: FirewallOps = {
  zones: false,
  async list(ctx) {
    return listNftRules((await loadNftConfig(ctx.guest)).files);
  },
  async change(ctx, change: FirewallChange, dryRun): Promise<ChangeOutcome> {
    const config = await loadNftConfig(ctx.guest);
    const rule = await resolveGuestService(ctx, change.rule);
    const edit = applyNftChange(config.files, { kind: change.kind, rule });
    const changed = edit.before !== edit.after;
    if (dryRun || !changed) return { rules: [rule], changed, diff: diffOf([edit]), files: [] };
    const files = await applyChanges(ctx.guest, [edit], {
      run: () => nftCheck(ctx, config.main),
      failure: (err, restored) => `${(err as Error).message}; ${restored}`,
    });
    if (ctx.guest.kind !== 'live') return { rules: [rule], changed, files };
    const r = await runGuestTool(ctx, ['nft', '-f', config.main]);
    const live = r.code === 0 ? { applied: true } : { applied: false, detail: `nft -f ${config.main}: ${lastLine(r.stderr) ?? `exit status ${r.code}`}` };
    return { rules: [rule], changed, files, live };
  },
};
