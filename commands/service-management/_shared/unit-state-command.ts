import type { Guest } from '../../../src/guest/types.js';
import { defineCommand } from '../../../src/shell/command.js';
import type { Output } from '../../../src/shell/output.js';
import { closestNames } from '../../../src/shell/registry.js';
import { parseLinkChanges, withUnitSuffix, type UnitLinkChange } from '../../../src/parsers/systemctl.js';
import { failIfError } from '../../../src/live/guest-run.js';
import { listUnitFiles, systemctl } from '../../../src/services/systemctl.js';
import { rcSystemName, serviceManager, type RcSystem } from '../../../src/services/rc-system.js';
import { CliError } from '../../../src/util/errors.js';
import { unitArg } from './unit-arg.js';
import { planRcEnablement, setRcEnablement } from './rc-enablement.js';
import { DRY_RUN, dryRunOption, dryRunPlan, isDryRunPlan, renderDryRun, type DryRunPlan } from '../../../src/shell/dry-run.js';

export type UnitVerb = 'enable' | 'disable' | 'mask' | 'unmask';

interface UnitStateResult {
  verb: UnitVerb;
  units: string[];
  now: boolean;
  /** The symlinks systemctl created or removed, as it reported them. */
  changes: UnitLinkChange[];
}

/** What --now does with each verb (unmask has no --now). */
const NOW: Record<UnitVerb, string | null> = { enable: 'also start the units', disable: 'also stop the units', mask: 'also stop the units', unmask: null };

/** A unit is known when it has a unit file, or is an instance of a template that has one. */
function isKnown(unit: string, known: Set<string>): boolean {
  return known.has(unit) || known.has(unit.replace(/@[^.]*\./, '@.'));
}

/** mask, unmask and --now are systemd's: refused on an OpenRC or sysvinit guest. */
function refuseOnRc(sys: RcSystem, verb: UnitVerb, now: boolean): asserts verb is 'enable' | 'disable' {
  if (verb === 'mask' || verb === 'unmask') throw new CliError('unsupported', `${verb} is a systemd concept and this guest runs ${rcSystemName(sys)}: use ${verb === 'mask' ? 'disable' : 'enable'}`);
  if (now) throw new CliError('unsupported', `${verb} --now is for systemd guests; on this ${rcSystemName(sys)} guest run ${verb} without --now, then start or stop the service with run`);
}

// `ssh.service` typed out of habit names the init script `ssh`.
const scriptNames = (units: string[]) => units.map((u) => u.replace(/\.service$/, ''));

/** enable and disable on an OpenRC or sysvinit guest. */
function rcUnitState(guest: Guest, sys: RcSystem, verb: UnitVerb, units: string[], now: boolean, signal: AbortSignal): Promise<UnitLinkChange[]> {
  refuseOnRc(sys, verb, now);
  return setRcEnablement(guest, sys, verb, scriptNames(units), signal);
}

/** enable, disable, mask and unmask: the guest's own `systemctl VERB -- UNIT...`, offline or live. */
export function unitStateCommand(verb: UnitVerb, spec: { summary: string; description: string; examples: string[] }) {
  return defineCommand({
    name: verb,
    category: 'service-management',
    summary: spec.summary,
    description:
      `${spec.description} On a disk image the guest's own systemctl runs in the sandbox and only edits the symlinks under /etc/systemd/system ` +
      '(nothing is started or stopped); on a running guest it runs through the agent and systemd reloads. A unit the guest does not have is refused with the closest names. ' +
      "On a guest without systemd, enable and disable run the guest's own rc-update (OpenRC), update-rc.d (Debian sysvinit) or chkconfig (RHEL sysvinit) and check the rc links afterwards.",
    examples: [...spec.examples, `${verb} cron --dry-run`],
    positionals: [{ name: 'UNIT', variadic: true, complete: 'none', description: 'systemd units in the guest (a bare name is a .service)' }],
    options: {
      now: { type: 'boolean', description: `${NOW[verb] ?? 'not for unmask'} (running guest only)` },
      ...dryRunOption(`name the units whose state ${verb} would change, with their state now, and change nothing`),
    },
    needs: ['exec'],
    mutates: true,
    journal: { trees: ['/etc'] },
    async run(ctx, args): Promise<UnitStateResult | DryRunPlan> {
      const manager = await serviceManager(ctx.guest, verb);
      const units = args.list('UNIT').map(unitArg);
      for (const u of units) if (/[*?[]/.test(u)) throw new CliError('usage', `${verb} takes unit names, not patterns: '${u}'`);
      const now = args.flag('now');
      if (now && NOW[verb] === null) throw new CliError('usage', 'unmask --now: unmask starts nothing; run enable --now after it');
      if (now && ctx.guest.kind !== 'live')
        throw new CliError('usage', `${verb} --now would ${verb === 'enable' ? 'start' : 'stop'} the units, which needs a running guest: open it with --domain NAME, or drop --now`);
      const dryRun = args.flag(DRY_RUN);
      if (manager !== 'systemd' && dryRun) {
        refuseOnRc(manager, verb, now);
        return dryRunPlan(await planRcEnablement(ctx.guest, manager, verb, scriptNames(units)));
      }
      if (manager !== 'systemd') return { verb, units, now, changes: await rcUnitState(ctx.guest, manager, verb, units, now, ctx.signal) };
      const files = await listUnitFiles(ctx.guest, undefined, ctx.signal);
      const known = new Set(files.map((f) => f.unit));
      for (const u of units) {
        if (isKnown(withUnitSuffix(u), known)) continue;
        // Compared as typed: a bare name against the names without their suffix.
        const bare = withUnitSuffix(u) !== u;
        const names = bare ? [...new Set([...known].map((k) => k.replace(/\.[a-z]+$/, '')))] : [...known];
        const close = closestNames(u, names);
        throw new CliError('not-found', `${verb}: the guest has no unit '${u}'${close.length > 0 ? `; did you mean ${close.join(', ')}?` : ''}`);
      }
      if (dryRun) return dryRunPlan(units.flatMap((u) => plannedUnitChange(verb, u, files.find((f) => f.unit === withUnitSuffix(u))?.state ?? null, now)));
      const r = await systemctl(ctx.guest, [verb, ...(now ? ['--now'] : []), '--', ...units], ctx.signal);
      if (r.code !== 0 && r.code !== 127) {
        // systemctl prints progress first (SysV sync, created links) and its error last.
        const last = r.stderr.split('\n').map((l) => l.trim()).filter(Boolean).at(-1);
        throw new CliError('failed', `systemctl ${verb} ${units.join(' ')} failed in the guest: ${last ?? `exit status ${r.code}`}`);
      }
      failIfError(r, `systemctl ${verb} ${units.join(' ')}`);
      return { verb, units, now, changes: parseLinkChanges(r.stderr) };
    },
    render(r: UnitStateResult | DryRunPlan, out: Output) {
      if (isDryRunPlan(r)) return renderDryRun(r, out);
      if (r.changes.length === 0) out.line(`${r.verb} ${r.units.join(' ')}: nothing to change`);
      for (const c of r.changes) out.line(c.action === 'created' ? `created ${c.link} -> ${c.target}` : `removed ${c.link}`);
      if (r.now) out.line(`${r.verb === 'enable' ? 'started' : 'stopped'} ${r.units.join(' ')}`);
    },
  });
}

/** What `systemctl VERB UNIT` would do, from the unit file's state now (null: a template instance). */
function plannedUnitChange(verb: UnitVerb, unit: string, state: string | null, now: boolean): string[] {
  const already = state !== null && (verb === 'enable' ? state === 'enabled' : verb === 'disable' ? state === 'disabled' : verb === 'mask' ? state === 'masked' : state !== 'masked');
  const also = now ? ` and ${verb === 'enable' ? 'start' : 'stop'} it` : '';
  if (already) return now ? [`${verb === 'enable' ? 'start' : 'stop'} ${unit} (already ${state})`] : [];
  return [`systemctl ${verb} ${unit}${also} (${state ?? 'an instance of a template'} now)`];
}
