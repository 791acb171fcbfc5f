// install/remove/update --dry-run: the package manager's own simulation (apt-get -s), which
// changes nothing. An install or upgrade refreshes the lists first, as the real run does, but
// into a private directory under /run (the jail's tmpfs offline; removed afterwards) so the
// guest's own lists, caches and locks are left alone.
import type { CommandContext } from '../../../src/shell/command.js';
import type { Output } from '../../../src/shell/output.js';
import type { ManagerName, ManagerStep } from '../../../src/packages/manager-commands.js';
import type { PackageChanges } from '../../../src/packages/package-changes.js';
import { aptUpdateFailure, parseAptSimulate } from '../../../src/parsers/apt-simulate.js';
import { runManagerStep } from '../../../src/packages/run-step.js';
import { CliError } from '../../../src/util/errors.js';
import { guestManager, timeoutMs } from './manager.js';

export interface PackagePlan extends PackageChanges {
  dryRun: true;
  /** The lists were refreshed (privately) before simulating, as the real command would. */
  refreshed: boolean;
}

export const PRIVATE_DIR = '/run/guestctl-dry-run-apt';

// $1: refresh (1/0); the rest: apt-get's arguments for the real step. No binary cache written, no lock taken.
const SIMULATE = `refresh=$1; shift
lists=${PRIVATE_DIR}
mkdir -p "$lists/partial" "$lists/tmp" && chmod 1777 "$lists/tmp" || exit 90
trap 'rm -rf "$lists"' EXIT
export TMPDIR="$lists/tmp"
opts="-o Dir::Cache::pkgcache= -o Dir::Cache::srcpkgcache= -o Debug::NoLocking=1"
if [ "$refresh" = 1 ]; then
  opts="$opts -o Dir::State::Lists=$lists"
  apt-get -q update $opts 2>&1 || exit 91
  echo "@@ refreshed"
fi
apt-get -s -q $opts "$@"`;

/** Simulate the real step (`apt-get -y ... install -- PKG`) and list what it would change. */
export async function simulatePackages(ctx: CommandContext, timeoutText: string | undefined, refresh: boolean, step: (m: ManagerName) => ManagerStep): Promise<PackagePlan> {
  const m = guestManager(ctx);
  const real = step(m);
  if (m !== 'apt') throw new CliError('unsupported', `${real.label} --dry-run: only apt's simulation (apt-get -s) is supported; this guest uses ${m}`);
  const sim: ManagerStep = { label: `${real.label} (simulated)`, argv: ['/bin/sh', '-c', SIMULATE, 'sh', refresh ? '1' : '0', ...real.argv.slice(1)], env: real.env, network: refresh };
  const r = await runManagerStep(ctx, sim, { timeoutMs: timeoutMs(timeoutText) });
  if (!refresh) return { dryRun: true, refreshed: false, ...planFromApt(r.stdout) };
  const [update, simulated] = r.stdout.split(/^@@ refreshed$/m);
  if (simulated === undefined) throw new CliError('failed', `${sim.label}: apt-get update did not finish: ${r.stderr.trim().split('\n').pop() || 'no output'}`);
  // apt-get update exits 0 when a source could not be fetched.
  const why = aptUpdateFailure(update ?? '');
  if (why !== null) throw new CliError('failed', `apt-get update (for the dry run, into ${PRIVATE_DIR}): ${why}`);
  return { dryRun: true, refreshed: true, ...planFromApt(simulated) };
}

/** apt-get -s output → the changes it would make (a removal has no arch in apt's Remv line). */
export function planFromApt(text: string): PackageChanges {
  const s = parseAptSimulate(text);
  return {
    installed: s.installs.map((p) => ({ name: p.name, arch: p.arch, version: p.candidate })),
    upgraded: s.upgrades.map((p) => ({ name: p.name, arch: p.arch, from: p.current ?? '', to: p.candidate })),
    removed: s.removals.map((p) => ({ name: p.name, arch: '', version: p.version })),
  };
}

export function renderPlan(r: PackagePlan, out: Output): void {
  const rows = [
    ...r.installed.map((p) => ['install', p.name, p.arch, p.version]),
    ...r.upgraded.map((p) => ['upgrade', p.name, p.arch, `${p.from} -> ${p.to}`]),
    ...r.removed.map((p) => ['remove', p.name, p.arch, p.version]),
  ];
  if (rows.length === 0) out.line('dry run: nothing would change');
  else out.table(['WOULD', 'PACKAGE', 'ARCH', 'VERSION'], rows);
  out.line(`dry run: nothing was changed${r.refreshed ? " (the lists were refreshed into a private directory; the guest's own were not touched)" : ''}`);
}
