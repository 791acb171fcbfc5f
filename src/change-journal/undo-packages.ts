import { installStep, isManagerName, removeStep, type ManagerName } from '../packages/manager-commands.js';
import type { PackageChanges, PackageVersion } from '../packages/package-changes.js';
import { runManagerStep } from '../packages/run-step.js';
import type { CommandContext } from '../shell/command.js';
import { CliError } from '../util/errors.js';

// Reverts a command's package changes with the guest's own manager: what it installed is purged,
// what it removed is installed again at the version it had (where the manager can pin one and the
// repositories still offer it); an upgrade is not reverted (the old package is not kept).

export interface PackageUndo {
  purged: string[];
  reinstalled: string[];
  notUndone: { what: string; reason: string }[];
}

const STEP_TIMEOUT_MS = 600_000;

export async function undoPackages(ctx: CommandContext, changes: PackageChanges, dryRun: boolean): Promise<PackageUndo> {
  const r: PackageUndo = { purged: [], reinstalled: [], notUndone: [] };
  for (const u of changes.upgraded) r.notUndone.push({ what: `package ${u.name}`, reason: `upgraded ${u.from} -> ${u.to}; the old version is not kept, so it is not downgraded` });
  if (changes.installed.length === 0 && changes.removed.length === 0) return r;
  const m = ctx.guest.os.packageManager;
  if (!isManagerName(m)) {
    for (const p of [...changes.installed, ...changes.removed]) r.notUndone.push({ what: `package ${p.name}`, reason: 'the guest has no supported package manager now' });
    return r;
  }
  const names = changes.installed.map((p) => p.name);
  if (names.length > 0) {
    if (!dryRun) await runManagerStep(ctx, removeStep(m, names, true), { timeoutMs: STEP_TIMEOUT_MS, detail: names.join(' ') });
    r.purged.push(...changes.installed.map(label));
  }
  const pinnable: { p: PackageVersion; spec: string }[] = [];
  for (const p of changes.removed) {
    const spec = pinnedSpec(m, p);
    if (spec === null) r.notUndone.push({ what: `package ${p.name}`, reason: `${m} cannot install a chosen version; install ${p.name} again by hand` });
    else pinnable.push({ p, spec });
  }
  const specs = pinnable.map((x) => x.spec);
  if (specs.length > 0) {
    try {
      if (!dryRun) await runManagerStep(ctx, installStep(m, specs), { timeoutMs: STEP_TIMEOUT_MS, detail: specs.join(' ') });
      r.reinstalled.push(...pinnable.map((x) => label(x.p)));
    } catch (err) {
      if (!(err instanceof CliError)) throw err;
      for (const spec of specs) r.notUndone.push({ what: `package ${spec}`, reason: err.message });
    }
  }
  return r;
}

function label(p: PackageVersion): string {
  return `${p.name} ${p.version}`;
}

function pinnedSpec(m: ManagerName, p: PackageVersion): string | null {
  switch (m) {
    case 'apt':
    case 'zypper':
      return `${p.name}=${p.version}`;
    case 'dnf':
    case 'yum':
      return `${p.name}-${p.version}`;
    case 'pacman':
    case 'apk':
      return null;
  }
}
