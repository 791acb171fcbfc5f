import type { CommandContext } from '../../src/shell/command.js';
import { readOptional } from '../../src/guest/file-changes.js';
import { listUnitFiles } from '../../src/services/systemctl.js';
import { BACKEND_UNITS, DETECTION_ORDER, ufwConfEnabled } from '../../src/firewall/detect.js';
import type { FirewallBackend } from '../../src/firewall/model.js';
import type { Family } from '../../src/inspect/distro-family.js';
import { CliError } from '../../src/util/errors.js';
import type { WizardStep } from './runner.js';
import type { Asker } from './ask.js';

// Opening a port for a wizard: the steps `firewall-add` (and, when the guest has no firewall and
// the user asked for one, installing and enabling the family's own) — decided before anything runs.

/** The firewall enabled at boot (as firewall-add would pick it), or null when there is none. */
export async function enabledFirewall(ctx: CommandContext): Promise<FirewallBackend | null> {
  const rows = await listUnitFiles(ctx.guest, undefined, ctx.signal);
  const enabled = new Set(rows.filter((r) => r.state === 'enabled').map((r) => r.unit));
  for (const b of DETECTION_ORDER) {
    if (!enabled.has(BACKEND_UNITS[b])) continue;
    if (b === 'ufw' && !ufwConfEnabled(await readOptional(ctx.guest, '/etc/ufw/ufw.conf'))) continue;
    return b;
  }
  return null;
}

/** The firewall a family ships by default, installed and enabled by --firewall on a guest without one. */
const FAMILY_FIREWALL: Partial<Record<Family, { package: string; unit: string; backend: FirewallBackend }>> = {
  debian: { package: 'nftables', unit: 'nftables', backend: 'nftables' },
  rhel: { package: 'firewalld', unit: 'firewalld', backend: 'firewalld' },
};

export interface FirewallPlan {
  /** Packages to install with the software (the family's firewall, when one is to be added). */
  packages: string[];
  steps: WizardStep[];
  notes: string[];
}

/**
 * `want`: true (--firewall), false (--no-firewall), undefined (the default: open the port when a
 * firewall is enabled, else say none is and change nothing there).
 */
export async function firewallPlan(ctx: CommandContext, family: Family, want: boolean | undefined, ports: string[]): Promise<FirewallPlan> {
  const plan: FirewallPlan = { packages: [], steps: [], notes: [] };
  if (want === false) {
    plan.notes.push(`--no-firewall: the firewall is left as it is (${ports.join(', ')} not opened)`);
    return plan;
  }
  const backend = await enabledFirewall(ctx);
  if (backend === null) {
    if (want === undefined) {
      plan.notes.push(`no firewall is enabled in the guest: nothing to open for ${ports.join(', ')} (--firewall installs and enables one)`);
      return plan;
    }
    const fw = FAMILY_FIREWALL[family];
    if (!fw) throw new CliError('unsupported', `--firewall: no firewall is enabled in the guest and guestctl does not know this distribution's default one; enable one first or use --no-firewall`);
    plan.packages.push(fw.package);
    plan.notes.push(`no firewall is enabled in the guest: --firewall installs and enables ${fw.package}, the distribution's default`);
    plan.steps.push({ title: `enable ${fw.unit} at boot`, argv: ['enable', fw.unit], afterEarlier: `${fw.package} is installed by the install step` });
    for (const p of ports) plan.steps.push({ title: `allow ${p} in ${fw.backend}`, argv: ['firewall-add', p], afterEarlier: `${fw.unit} is enabled by the step before` });
    return plan;
  }
  for (const p of ports) plan.steps.push({ title: `allow ${p} in ${backend}`, argv: ['firewall-add', p] });
  return plan;
}

/**
 * --firewall (true) / --no-firewall (false); without either, a terminal asks (default: yes when a
 * firewall is enabled), and a script gets undefined: open the port when a firewall is enabled.
 */
export async function firewallChoice(ctx: CommandContext, ask: Asker, on: boolean, off: boolean, what: string): Promise<boolean | undefined> {
  if (on || off || !ask.asking) return on || off ? ask.yesNo('firewall', on, off, '', false) : undefined;
  const backend = await enabledFirewall(ctx);
  const question = backend ? `Open ${what} in the guest's firewall (${backend})?` : `No firewall is enabled in the guest: install and enable the distribution's default one, with ${what} open?`;
  return ask.yesNo('firewall', false, false, question, backend !== null);
}
