import { defineCommand } from '../../src/shell/command.js';
import type { Output } from '../../src/shell/output.js';
import { parseUnitList, validUnitName } from '../../src/parsers/systemctl.js';
import { failIfError, requireSystemd } from '../../src/live/guest-run.js';
import { listUnitFiles, systemctl } from '../../src/services/systemctl.js';
import { CliError } from '../../src/util/errors.js';

interface ServiceRow {
  unit: string;
  /** Enablement: enabled, disabled, static, masked, alias, ... */
  state: string;
  preset: string | null;
  /** Live only: the unit's active and sub state now (null when it is not loaded). */
  active?: string | null;
  sub?: string | null;
}

export const services = defineCommand({
  name: 'services',
  category: 'system-inspection',
  summary: 'List the systemd unit files of the guest and whether each is enabled (and, live, active)',
  description:
    "Runs the guest's own `systemctl list-unit-files`: on a disk image in the sandbox (systemctl reads the unit files, " +
    'no service manager is involved), on a running guest through the agent, where the active state is added. ' +
    'PATTERN is a systemctl glob (e.g. "ssh*", "*.timer"). --failed needs a running guest.',
  examples: ['services', 'services ssh*', 'services --enabled', "services '*.timer'", 'services --failed'],
  positionals: [{ name: 'PATTERN', optional: true, complete: 'none', description: 'a unit name or glob' }],
  options: {
    enabled: { type: 'boolean', description: 'only units that are enabled' },
    failed: { type: 'boolean', description: 'only units that failed (running guest only)' },
  },
  needs: ['exec'],
  async run(ctx, args): Promise<ServiceRow[]> {
    requireSystemd(ctx, 'services');
    const pattern = args.optStr('PATTERN');
    if (pattern !== undefined && !validUnitName(pattern)) throw new CliError('usage', `not a unit name or pattern: '${pattern}'`);
    const live = ctx.guest.kind === 'live';
    if (args.flag('failed') && !live)
      throw new CliError('usage', 'services --failed needs a running guest (a disk image has no unit states): open it with --domain NAME');
    let rows: ServiceRow[] = await listUnitFiles(ctx.guest, pattern, ctx.signal);
    if (live) {
      const r = await systemctl(ctx.guest, ['list-units', '--all', '--no-legend', '--no-pager', '--plain', '--full', ...(pattern ? ['--', pattern] : [])], ctx.signal);
      failIfError(r, 'systemctl list-units');
      const units = new Map(parseUnitList(r.stdout).map((u) => [u.unit, u]));
      rows = rows.map((row) => ({ ...row, active: units.get(row.unit)?.active ?? null, sub: units.get(row.unit)?.sub ?? null }));
    }
    if (args.flag('enabled')) rows = rows.filter((r) => r.state === 'enabled' || r.state === 'enabled-runtime');
    if (args.flag('failed')) rows = rows.filter((r) => r.active === 'failed');
    return rows;
  },
  render(rows: ServiceRow[], out: Output) {
    if (rows.length === 0) {
      out.line('no matching units');
      return;
    }
    const live = rows.some((r) => r.active !== undefined);
    out.table(
      live ? ['UNIT', 'STATE', 'PRESET', 'ACTIVE', 'SUB'] : ['UNIT', 'STATE', 'PRESET'],
      rows.map((r) => (live ? [r.unit, r.state, r.preset ?? '-', r.active ?? '-', r.sub ?? '-'] : [r.unit, r.state, r.preset ?? '-'])),
    );
  },
});
