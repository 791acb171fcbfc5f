import type { Guest } from '../../../src/guest/types.js';
import type { UnitLinkChange } from '../../../src/parsers/systemctl.js';
import { OPENRC_BOOT_LEVELS, rcLinkChanges, type RcServiceRow } from '../../../src/services/rc-links.js';
import { readRcState, type RcState, type RcSystem } from '../../../src/services/rc-system.js';
import { closestNames } from '../../../src/shell/registry.js';
import { CliError } from '../../../src/util/errors.js';

// enable and disable on guests without systemd: the guest's own rc-update (OpenRC), update-rc.d
// (Debian sysvinit) or chkconfig (RHEL sysvinit), then the rc links are read again to check.

type Want = 'enable' | 'disable';

const wanted = (verb: Want): RcServiceRow['state'] => (verb === 'enable' ? 'enabled' : 'disabled');

/** Whether any rcN.d has an S or K link for the script (update-rc.d's own test, `[SK][0-9][0-9]NAME`). */
function hasSysvLinks(state: RcState, name: string): boolean {
  return [...state.links.keys()].some((link) => {
    const base = link.split('/').at(-1)!;
    return /^[SK]\d\d/.test(base) && base.slice(3) === name;
  });
}

/**
 * The guest command that moves `row` towards `verb`, or null when it is there already.
 * update-rc.d's `enable` only renames existing K links, so a script without links gets
 * `defaults` first (links from its LSB header), and `enable` next if those are K links.
 */
export function rcStep(sys: RcSystem, verb: Want, row: RcServiceRow, state: RcState): string[] | null {
  if (row.state === wanted(verb)) return null;
  const name = row.unit;
  if (sys.kind === 'openrc') {
    return verb === 'enable' ? ['rc-update', 'add', name, 'default'] : ['rc-update', 'del', name, ...row.runlevels.filter((l) => OPENRC_BOOT_LEVELS.includes(l))];
  }
  if (sys.tool === 'chkconfig') return ['chkconfig', name, verb === 'enable' ? 'on' : 'off'];
  return ['update-rc.d', name, verb === 'enable' && !hasSysvLinks(state, name) ? 'defaults' : verb];
}

async function runStep(guest: Guest, argv: string[], signal?: AbortSignal): Promise<void> {
  const r = await guest.exec(argv, { env: { LC_ALL: 'C' }, ...(signal ? { signal } : {}) });
  if (r.code === 127) throw new CliError('missing-tool', `${argv[0]}: not found in the guest`);
  if (r.code !== 0) {
    const last = r.stderr.split('\n').map((l) => l.trim()).filter(Boolean).at(-1);
    throw new CliError('failed', `${argv.join(' ')} failed in the guest: ${last ?? `exit status ${r.code}`}`);
  }
}

/** Refuse names that are not init scripts of the guest, with the closest ones. */
function checkKnown(verb: Want, names: string[], state: RcState): void {
  const known = state.services.map((s) => s.unit);
  for (const name of names) {
    if (known.includes(name)) continue;
    const close = closestNames(name, known);
    throw new CliError('not-found', `${verb}: the guest has no service '${name}'${close.length > 0 ? `; did you mean ${close.join(', ')}?` : ''}`);
  }
}

/** --dry-run: the guest command each script would get (none when it is as wanted already). */
export async function planRcEnablement(guest: Guest, sys: RcSystem, verb: Want, names: string[]): Promise<string[]> {
  const state = await readRcState(guest, sys);
  checkKnown(verb, names, state);
  return names.flatMap((name) => {
    const row = state.services.find((s) => s.unit === name)!;
    const step = rcStep(sys, verb, row, state);
    return step === null ? [] : [`run ${step.join(' ')} (${name} is ${row.state} now)`];
  });
}

/** Enable or disable init scripts with the guest's own tool; returns the rc links that changed. */
export async function setRcEnablement(guest: Guest, sys: RcSystem, verb: Want, names: string[], signal?: AbortSignal): Promise<UnitLinkChange[]> {
  const before = await readRcState(guest, sys);
  checkKnown(verb, names, before);
  let state = before;
  for (const name of names) {
    let last: string[] | null = null;
    for (;;) {
      const row = state.services.find((s) => s.unit === name)!;
      const step = rcStep(sys, verb, row, state);
      if (step === null) break;
      if (last !== null && step.join(' ') === last.join(' '))
        throw new CliError('failed', `${last.join(' ')} ran, but the guest's rc links still show ${name} ${row.state}`);
      await runStep(guest, step, signal);
      last = step;
      state = await readRcState(guest, sys);
      if (state.services.every((s) => s.unit !== name)) throw new CliError('failed', `${step.join(' ')} ran, and ${name} is no longer an init script of the guest`);
    }
  }
  return rcLinkChanges(before.links, state.links);
}
