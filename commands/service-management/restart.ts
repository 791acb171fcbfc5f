import { escapeLinesForTerminal } from '../../src/shell/escape.js';
import { defineCommand } from '../../src/shell/command.js';
import type { Output } from '../../src/shell/output.js';
import { parseShow, parseUnitList, type UnitRow } from '../../src/parsers/systemctl.js';
import { parseJournalJson } from '../../src/parsers/journal.js';
import { CliError } from '../../src/util/errors.js';
import { failIfError, guestRun, requireSystemd } from '../../src/live/guest-run.js';
import { unitArg } from './_shared/unit-arg.js';
import { DRY_RUN, dryRunOption, dryRunPlan, isDryRunPlan, renderDryRun, type DryRunPlan } from '../../src/shell/dry-run.js';

const AGENT_UNITS = new Set(['qemu-guest-agent', 'qemu-guest-agent.service']);

interface RestartResult {
  unit: string;
  activeState: string;
  subState: string;
  mainPid: number | null;
  since: string | null;
}

export const restart = defineCommand({
  name: 'restart',
  category: 'service-management',
  summary: 'Restart a systemd service in the guest and check it is active again',
  description: "Runs the guest's `systemctl restart SERVICE`, then waits up to 30 s for the unit to be active; if it fails, the error names the unit and points at `logs SERVICE`.",
  examples: ['restart ssh', 'restart nginx.service', 'restart systemd-journald', 'restart nginx --dry-run'],
  positionals: [{ name: 'SERVICE', complete: 'none', description: 'a systemd unit in the guest' }],
  options: { ...dryRunOption('name the unit and its current state, and restart nothing') },
  needs: ['live', 'exec'],
  mutates: true,
  journal: { trees: [] },
  async run(ctx, args): Promise<RestartResult | DryRunPlan> {
    requireSystemd(ctx, 'restart');
    const unit = unitArg(args.str('SERVICE'));
    if (/[*?[]/.test(unit)) throw new CliError('usage', `restart takes one unit, not a pattern: '${unit}'`);
    if (AGENT_UNITS.has(unit))
      throw new CliError('refused', `restarting qemu-guest-agent would cut the connection guestctl is using: restart it from inside the guest or with virsh`);
    if (args.flag(DRY_RUN)) {
      const s = await guestRun(ctx, ['systemctl', 'show', '-p', 'Id', '-p', 'LoadState', '-p', 'ActiveState', '-p', 'SubState', '-p', 'MainPID', '--', unit]);
      failIfError(s, `systemctl show ${unit}`);
      const now = parseShow(s.stdout);
      if (now.LoadState === 'not-found') throw new CliError('not-found', `restart: the guest has no unit '${unit}'`);
      const pid = Number(now.MainPID);
      return dryRunPlan([`systemctl restart ${now.Id || unit} (now ${now.ActiveState || '?'} (${now.SubState || '?'})${pid > 0 ? `, main PID ${pid}` : ''})`]);
    }
    const r = await guestRun(ctx, ['systemctl', 'restart', '--', unit], 120_000);
    failIfError(r, `systemctl restart ${unit}`);
    let show: Record<string, string> = {};
    for (let i = 0; i < 60 && !ctx.signal.aborted; i++) {
      const s = await guestRun(ctx, ['systemctl', 'show', '-p', 'Id', '-p', 'ActiveState', '-p', 'SubState', '-p', 'MainPID', '-p', 'ActiveEnterTimestamp', '--', unit]);
      failIfError(s, `systemctl show ${unit}`);
      show = parseShow(s.stdout);
      if (show.ActiveState !== 'activating' && show.ActiveState !== 'reloading') break;
      await new Promise((res) => setTimeout(res, 500));
    }
    const id = show.Id || unit;
    if (show.ActiveState !== 'active')
      throw new CliError('failed', `${id} is ${show.ActiveState || 'in an unknown state'} (${show.SubState || '?'}) after the restart: see logs ${unit}`);
    const pid = Number(show.MainPID);
    return { unit: id, activeState: show.ActiveState, subState: show.SubState ?? '', mainPid: pid > 0 ? pid : null, since: show.ActiveEnterTimestamp || null };
  },
  render(r: RestartResult | DryRunPlan, out: Output) {
    if (isDryRunPlan(r)) return renderDryRun(r, out);
    out.line(`restarted ${r.unit}: active (${r.subState})${r.mainPid !== null ? `, main PID ${r.mainPid}` : ''}`);
  },
});
