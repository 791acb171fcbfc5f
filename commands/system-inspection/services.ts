import { defineCommand } from '../../src/shell/command.js';
import type { Output } from '../../src/shell/output.js';
import { parseUnitList, validUnitName } from '../../src/parsers/systemctl.js';
import { failIfError } from '../../src/live/guest-run.js';
import { listUnitFiles, systemctl } from '../../src/services/systemctl.js';
import { readRcState, rcSystemName, serviceManager, type RcSystem } from '../../src/services/rc-system.js';
import type { RcServiceRow } from '../../src/services/rc-links.js';
import { globMatcher } from '../../src/parsers/glob.js';
import type { Guest } from '../../src/guest/types.js';
import { CliError } from '../../src/util/errors.js';

interface ServiceRow {
  unit: string;
  /** Enablement: enabled, disabled, static, masked, alias, ... */
  state: string;
  preset: string | null;
  /** Live only: the unit's active and sub state now (null when it is not loaded). */
  active?: string | null;
  sub?: string | null;
  /** OpenRC and sysvinit guests: the runlevels that start the service. */
  runlevels?: string[];
}

/** An OpenRC or sysvinit guest's init scripts, from its rc links (there is no active state to add). */
async function rcServices(guest: Guest, sys: RcSystem, pattern: string | undefined, failed: boolean): Promise<RcServiceRow[]> {
  if (failed) throw new CliError('unsupported', `services --failed needs systemd's unit states, and this guest runs ${rcSystemName(sys)}`);
  const { services } = await readRcState(guest, sys);
  if (pattern === undefined) return services;
  const matches = globMatcher(pattern);
  return services.filter((s) => matches(s.unit));
}

export const services = defineCommand({
  name: 'services',
  category: 'system-inspection',
  summary: 'List the services of the guest (systemd unit files, or OpenRC/sysvinit init scripts) and whether each is enabled (and, live, active)',
  description:
    "Runs the guest's own `systemctl list-unit-files`: on a disk image in the sandbox (systemctl reads the unit files, " +
    'no service manager is involved), on a running guest through the agent, where the active state is added. ' +
    'PATTERN is a systemctl glob (e.g. "ssh*", "*.timer"). --failed needs a running guest. ' +
    'On an OpenRC or sysvinit guest the list is its /etc/init.d scripts, enabled when a boot runlevel starts them ' +
    '(OpenRC: /etc/runlevels/{sysinit,boot,default}; sysvinit: an S link in rcS.d or the default runlevel of /etc/inittab, else 2-5).',
  examples: ['services', 'services ssh*', 'services --enabled', "services '*.timer'", 'services --failed'],
  positionals: [{ name: 'PATTERN', optional: true, complete: 'none', description: 'a unit name or glob' }],
  options: {
    enabled: { type: 'boolean', description: 'only units that are enabled' },
    failed: { type: 'boolean', description: 'only units that failed (running guest only)' },
  },
  needs: ['exec'],
  async run(ctx, args): Promise<ServiceRow[]> {
    const manager = await serviceManager(ctx.guest, 'services');
    const pattern = args.optStr('PATTERN');
    if (pattern !== undefined && !validUnitName(pattern)) throw new CliError('usage', `not a unit name or pattern: '${pattern}'`);
    const live = ctx.guest.kind === 'live';
    if (args.flag('failed') && !live)
      throw new CliError('usage', 'services --failed needs a running guest (a disk image has no unit states): open it with --domain NAME');
    let rows: ServiceRow[] = manager === 'systemd' ? await listUnitFiles(ctx.guest, pattern, ctx.signal) : await rcServices(ctx.guest, manager, pattern, args.flag('failed'));
    if (live && manager === 'systemd') {
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
    if (rows.some((r) => r.runlevels !== undefined)) {
      out.table(['SERVICE', 'STATE', 'RUNLEVELS'], rows.map((r) => [r.unit, r.state, r.runlevels?.join(' ') || '-']));
      return;
    }
    const live = rows.some((r) => r.active !== undefined);
    out.table(
      live ? ['UNIT', 'STATE', 'PRESET', 'ACTIVE', 'SUB'] : ['UNIT', 'STATE', 'PRESET'],
      rows.map((r) => (live ? [r.unit, r.state, r.preset ?? '-', r.active ?? '-', r.sub ?? '-'] : [r.unit, r.state, r.preset ?? '-'])),
    );
  },
});
