import type { CommandContext } from '../../src/shell/command.js';
import { installedPackages } from '../../src/packages/installed.js';
import type { WizardStep } from './runner.js';

// The install step of a wizard, for the packages the guest does not have yet: a package that is
// installed already is left alone (no refresh of the lists, no upgrade), and the plan says so.

export async function installStep(ctx: CommandContext, packages: readonly string[], notes: string[]): Promise<WizardStep | undefined> {
  const have = new Set((await installedPackages(ctx.guest, ctx.signal)).packages.map((p) => p.name));
  const present = packages.filter((p) => have.has(p));
  const missing = packages.filter((p) => !have.has(p));
  if (present.length > 0) notes.push(`installed already: ${present.join(', ')}`);
  return missing.length === 0 ? undefined : { title: `install ${missing.join(', ')}`, argv: ['install', ...missing] };
}
