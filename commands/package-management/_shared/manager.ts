// What install, remove, update and search share: the guest's manager, the --timeout option,
// package-name checks, and the before/after comparison that is their result.
import type { CommandContext } from '../../../src/shell/command.js';
import type { Output } from '../../../src/shell/output.js';
import { installedPackages } from '../../../src/packages/installed.js';
import { isManagerName, refreshStep, type ManagerName, type ManagerStep } from '../../../src/packages/manager-commands.js';
import { packageChanges, type PackageChanges } from '../../../src/packages/package-changes.js';
import { runManagerStep } from '../../../src/packages/run-step.js';
import { CliError } from '../../../src/util/errors.js';
import { parseSeconds } from '../../../src/util/option-values.js';

export const TIMEOUT_OPTION = {
  timeout: { type: 'string', valueName: 'SECONDS', description: 'give each step of the package manager this long (default 600)' },
} as const;

export function timeoutMs(text: string | undefined): number {
  return parseSeconds(text, 600, '--timeout', 24 * 3600) * 1000;
}

export function guestManager(ctx: CommandContext): ManagerName {
  const m = ctx.guest.os.packageManager;
  if (isManagerName(m)) return m;
  throw new CliError('unsupported', m ? `package manager ${m} is not supported` : 'no package manager found in the guest (apt, dnf, yum, zypper, pacman or apk)');
}

/** The names, checked: one that starts with '-' would be read as an option by the manager. */
export function packageNames(names: string[]): string[] {
  for (const n of names) {
    if (n === '' || n.startsWith('-') || /[\s\x00-\x1f]/.test(n)) throw new CliError('usage', `not a package name: ${JSON.stringify(n)}`);
  }
  return names;
}

export async function refreshLists(ctx: CommandContext, m: ManagerName, timeout: number): Promise<void> {
  const step = refreshStep(m);
  if (step) await runManagerStep(ctx, step, { timeoutMs: timeout });
}

export interface ChangePlan {
  /** Refresh the repository lists first. */
  refresh: boolean;
  step(m: ManagerName): ManagerStep;
  /** What the progress line names (the packages). */
  detail: string;
}

/** Run the plan's step with the guest's manager and report what it installed, removed or upgraded. */
export async function changePackages(ctx: CommandContext, timeoutText: string | undefined, plan: ChangePlan): Promise<PackageChanges> {
  const m = guestManager(ctx);
  const timeout = timeoutMs(timeoutText);
  const before = await installedPackages(ctx.guest, ctx.signal);
  if (plan.refresh) await refreshLists(ctx, m, timeout);
  await runManagerStep(ctx, plan.step(m), { timeoutMs: timeout, detail: plan.detail });
  const after = await installedPackages(ctx.guest, ctx.signal);
  return packageChanges(before.packages, after.packages);
}

export function renderChanges(r: PackageChanges, out: Output): void {
  const rows = [
    ...r.installed.map((p) => ['installed', p.name, p.arch, p.version]),
    ...r.upgraded.map((p) => ['upgraded', p.name, p.arch, `${p.from} -> ${p.to}`]),
    ...r.removed.map((p) => ['removed', p.name, p.arch, p.version]),
  ];
  if (rows.length === 0) return out.line('nothing changed');
  out.table(['CHANGE', 'PACKAGE', 'ARCH', 'VERSION'], rows);
}
