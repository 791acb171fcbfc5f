import type { CommandContext } from '../../../src/shell/command.js';
import type { ExecResult } from '../../../src/guest/types.js';
import { firewalldChangeArgs, parseListAll } from '../../../src/firewall/firewalld.js';
import { sameRule, type FirewallChange, type FirewallRule } from '../../../src/firewall/model.js';
import { describeRule } from '../../../src/firewall/rule-arg.js';
import { CliError } from '../../../src/util/errors.js';
import type { ChangeOutcome, FirewallOps } from './firewall-ops.js';
import { runGuestTool } from './guest-tool.js';

// firewalld: the guest's own firewall-offline-cmd (in the jail on an image) edits the permanent
// configuration under /etc/firewalld. On a live guest, firewall-cmd --permanent persists and
// firewall-cmd without it applies to the running firewalld.

function failure(argv: string[], r: ExecResult): CliError {
  const line = `${r.stderr}\n${r.stdout}`.split('\n').map((l) => l.trim()).find((l) => /^(Error|ERROR)/.test(l)) ?? r.stderr.trim().split('\n').at(-1) ?? `exit status ${r.code}`;
  return new CliError('failed', `${argv.join(' ')} failed in the guest: ${line || `exit status ${r.code}`}`);
}

async function checked(ctx: CommandContext, argv: string[]): Promise<string> {
  const r = await runGuestTool(ctx, argv);
  if (r.code !== 0) throw failure(argv, r);
  return r.stdout;
}

const zoneArgs = (zone: string | undefined) => (zone ? [`--zone=${zone}`] : []);

async function listZone(ctx: CommandContext, zone: string | undefined) {
  const tool = ctx.guest.kind === 'live' ? ['firewall-cmd', '--permanent'] : ['firewall-offline-cmd'];
  return parseListAll(await checked(ctx, [...tool, ...zoneArgs(zone), '--list-all']));
}

/** Whether the zone's permanent configuration holds the rule (with no protocol: both). */
function holds(rules: ReturnType<typeof parseListAll>, rule: FirewallRule): boolean {
  const { zone: _z, ...bare } = rule;
  const need: FirewallRule[] = rule.service === undefined && rule.proto === undefined ? [{ ...bare, proto: 'tcp' }, { ...bare, proto: 'udp' }] : [bare];
  return need.every((n) => rules.some((r) => sameRule({ ...r, zone: undefined }, n)));
}

export const firewalldBackend: FirewallOps = {
  zones: true,
  list: listZone,
  async change(ctx, change: FirewallChange, dryRun): Promise<ChangeOutcome> {
    const zone = change.rule.zone;
    const action = firewalldChangeArgs(change);
    const live = ctx.guest.kind === 'live';
    const persist = [...(live ? ['firewall-cmd', '--permanent'] : ['firewall-offline-cmd']), ...zoneArgs(zone), ...action];
    const runtime = ['firewall-cmd', ...zoneArgs(zone), ...action];
    if (dryRun) return { rules: [change.rule], changed: true, commands: live ? [persist, runtime] : [persist], files: [] };
    const present = holds(await listZone(ctx, zone), change.rule);
    if (change.kind === 'add' && present) return { rules: [change.rule], changed: false, files: [] };
    if (change.kind === 'remove' && !present) throw new CliError('not-found', `firewalld: ${describeRule(change.rule)} is not allowed in zone ${zone ?? '(default)'}`);
    await checked(ctx, persist);
    if (holds(await listZone(ctx, zone), change.rule) !== (change.kind === 'add')) {
      throw new CliError('failed', `${persist.join(' ')} exited 0 but --list-all does not show the change`);
    }
    if (!live) return { rules: [change.rule], changed: true, files: [] };
    const r = await runGuestTool(ctx, runtime);
    return { rules: [change.rule], changed: true, files: [], live: r.code === 0 ? { applied: true } : { applied: false, detail: failure(runtime, r).message } };
  },
};
