import { escapeLinesForTerminal } from '../../src/shell/escape.js';
import { defineCommand } from '../../src/shell/command.js';
import type { Output } from '../../src/shell/output.js';
import { parseShow, parseUnitList, validUnitName, type UnitRow } from '../../src/parsers/systemctl.js';
import { CliError } from '../../src/util/errors.js';
import { CATEGORY, failIfError, guestRun, parseCount, requireSystemd } from './common.js';

// Services of the running guest, through its own systemctl and journalctl.

function unitArg(text: string): string {
  if (!validUnitName(text)) throw new CliError('usage', `not a unit name: '${text}'`);
  return text;
}

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
  category: CATEGORY,
  summary: 'Restart a systemd service in the guest and check it is active again',
  description: "Runs the guest's `systemctl restart SERVICE`, then waits up to 30 s for the unit to be active; if it fails, the error names the unit and points at `logs SERVICE`.",
  examples: ['restart ssh', 'restart nginx.service', 'restart systemd-journald'],
  positionals: [{ name: 'SERVICE', complete: 'none', description: 'a systemd unit in the guest' }],
  needs: ['live', 'exec'],
  mutates: true,
  async run(ctx, args): Promise<RestartResult> {
    requireSystemd(ctx, 'restart');
    const unit = unitArg(args.str('SERVICE'));
    if (/[*?[]/.test(unit)) throw new CliError('usage', `restart takes one unit, not a pattern: '${unit}'`);
    if (AGENT_UNITS.has(unit))
      throw new CliError('refused', `restarting qemu-guest-agent would cut the connection guestctl is using: restart it from inside the guest or with virsh`);
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
    ctx.out.line(`restarted ${id}: active (${show.SubState})${pid > 0 ? `, main PID ${pid}` : ''}`);
    return { unit: id, activeState: show.ActiveState, subState: show.SubState ?? '', mainPid: pid > 0 ? pid : null, since: show.ActiveEnterTimestamp || null };
  },
});

export const failed = defineCommand({
  name: 'failed',
  category: CATEGORY,
  summary: 'List the failed systemd units of the guest',
  examples: ['failed'],
  needs: ['live', 'exec'],
  async run(ctx): Promise<UnitRow[]> {
    requireSystemd(ctx, 'failed');
    const r = await guestRun(ctx, ['systemctl', 'list-units', '--failed', '--all', '--no-legend', '--no-pager', '--plain', '--full']);
    failIfError(r, 'systemctl --failed');
    return parseUnitList(r.stdout);
  },
  render(rows: UnitRow[], out: Output) {
    if (rows.length === 0) {
      out.line('no failed units');
      return;
    }
    out.table(
      ['UNIT', 'LOAD', 'ACTIVE', 'SUB', 'DESCRIPTION'],
      rows.map((u) => [u.unit, u.load, u.active, u.sub, u.description]),
    );
  },
});

interface LogEntry {
  time: string | null;
  unit: string | null;
  identifier: string | null;
  pid: number | null;
  priority: number | null;
  message: string;
}

/** journalctl -o json: one object per line; MESSAGE may be an array of bytes (binary). */
export function parseJournalJson(text: string): LogEntry[] {
  const out: LogEntry[] = [];
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    let e: Record<string, unknown>;
    try {
      e = JSON.parse(line) as Record<string, unknown>;
    } catch {
      continue;
    }
    const str = (v: unknown) => (typeof v === 'string' ? v : Array.isArray(v) ? Buffer.from(v as number[]).toString('utf8') : null);
    const us = str(e.__REALTIME_TIMESTAMP);
    out.push({
      time: us && /^\d+$/.test(us) ? new Date(Number(BigInt(us) / 1000n)).toISOString() : null,
      // systemd's own lines about a unit carry UNIT=; the unit's processes _SYSTEMD_UNIT=.
      unit: str(e.UNIT) ?? str(e.USER_UNIT) ?? str(e._SYSTEMD_UNIT),
      identifier: str(e.SYSLOG_IDENTIFIER),
      pid: str(e._PID) ? Number(str(e._PID)) : null,
      priority: str(e.PRIORITY) ? Number(str(e.PRIORITY)) : null,
      message: str(e.MESSAGE) ?? '',
    });
  }
  return out;
}

export const logs = defineCommand({
  name: 'logs',
  category: CATEGORY,
  summary: "The last journal lines of a guest unit (the guest's journalctl -u UNIT -n N)",
  examples: ['logs ssh', 'logs nginx -n 100', 'logs systemd-journald --lines 20'],
  positionals: [{ name: 'UNIT', complete: 'none', description: 'a systemd unit (or pattern) in the guest' }],
  options: {
    lines: { type: 'string', short: 'n', valueName: 'N', description: 'how many lines (default 50)' },
  },
  needs: ['live', 'exec'],
  async run(ctx, args) {
    requireSystemd(ctx, 'logs');
    const unit = unitArg(args.str('UNIT'));
    const n = parseCount(args.optStr('lines'), 50, '-n', 100_000);
    const argv = ['journalctl', '--no-pager', '-u', unit, '-n', String(n)];
    const r = await guestRun(ctx, ctx.json ? [...argv, '-o', 'json'] : argv, 120_000);
    failIfError(r, 'journalctl');
    if (ctx.json) return parseJournalJson(r.stdout);
    ctx.out.write(escapeLinesForTerminal(r.stdout));
    return undefined;
  },
});
