// apt: refresh the lists, then ask apt-get what dist-upgrade would do (-s: simulate, nothing
// is changed). dist-upgrade rather than upgrade: it is what an upgrade of the whole guest
// brings, including the new dependencies and removals plain `upgrade` would hold back.
// On a read-only guest the lists are refreshed into a private directory under the jail's
// /run (a tmpfs of the call), so the image is never written; on a writable one the guest's
// own /var/lib/apt/lists is refreshed, as `apt-get update` in the guest would.
import type { Guest } from '../../guest/types.js';
import { isDir } from '../../guest/stat-or-null.js';
import { aptUpdateFailure, parseAptSimulate, type AptPlannedUpgrade } from '../../parsers/apt-simulate.js';
import { CliError } from '../../util/errors.js';
import { firstLine, runManager, type ManagerRun } from './exec.js';
import type { PendingUpdate, UpdateCheck } from './types.js';

/** Options every apt call gets: no binary cache written, no lock taken (a simulation changes nothing). */
const APT_OPTS = ['-o', 'Dir::Cache::pkgcache=', '-o', 'Dir::Cache::srcpkgcache=', '-o', 'Debug::NoLocking=1'];
export const PRIVATE_LISTS = '/run/guestctl-apt-lists';
const APT_LISTS = '/var/lib/apt/lists';

/**
 * $1 = private lists directory or '' for the guest's own; the rest are apt options. Both runs
 * happen in one call so a private directory lives long enough; each ends with "@@ STEP STATUS".
 */
const REFRESH_AND_SIMULATE = `lists=$1; shift
if [ -n "$lists" ]; then
  mkdir -p "$lists/partial" "$lists/tmp" && chmod 1777 "$lists/tmp" || exit 90
  trap 'rm -rf "$lists"' EXIT
  # gpgv verifies the Release files in temporary files: /tmp is not writable on a read-only image.
  export TMPDIR="$lists/tmp"
  set -- "$@" -o "Dir::State::Lists=$lists"
fi
apt-get -q update "$@" 2>&1; r=$?
echo "@@ update $r"
[ $r -eq 0 ] || exit 0
apt-get -s -q dist-upgrade "$@"; r=$?
echo "@@ simulate $r"`;

export async function aptCheckUpdates(r: ManagerRun): Promise<UpdateCheck> {
  const privateLists = r.guest.readOnly ? PRIVATE_LISTS : '';
  const res = await runManager(r, ['/bin/sh', '-c', REFRESH_AND_SIMULATE, 'sh', privateLists, ...APT_OPTS], true);
  if (res.code === 90) throw new CliError('failed', `apt-get update: could not make the private lists directory ${PRIVATE_LISTS}: ${firstLine(res.stderr, res.code)}`);
  const update = /^([\s\S]*?)^@@ update (\d+)$/m.exec(res.stdout);
  if (!update) throw new CliError('failed', `apt-get update did not run in the guest: ${firstLine(res.stderr, res.code)}`);
  const [, updateText = '', updateStatus = ''] = update;
  if (updateStatus === '127') throw new CliError('missing-tool', 'apt-get: not found in the guest');
  const why = aptUpdateFailure(updateText) ?? (updateStatus === '0' ? null : `exit status ${updateStatus}`);
  if (why !== null) throw new CliError('failed', `apt-get update: ${why}`);
  const rest = res.stdout.slice(update[0].length);
  const sim = /^([\s\S]*?)^@@ simulate (\d+)$/m.exec(rest);
  if (!sim) throw new CliError('failed', `apt-get -s dist-upgrade did not finish in the guest: ${firstLine(res.stderr, res.code)}`);
  if (sim[2] !== '0') throw new CliError('failed', `apt-get -s dist-upgrade: ${aptError(res.stderr, Number(sim[2]))}`);
  return fromSimulation(sim[1] ?? '');
}

/** What the guest's CURRENT lists offer (no refresh), as `apt list --upgradable`. */
export async function aptUpgradable(r: ManagerRun): Promise<UpdateCheck> {
  // apt checks the lists' signatures in temporary files: on a read-only image, in the jail's /run (a tmpfs).
  const tmp: Record<string, string> = r.guest.readOnly && r.guest.kind !== 'live' ? { TMPDIR: '/run' } : {};
  const res = await runManager(r, ['apt-get', '-s', '-q', 'dist-upgrade', ...APT_OPTS], false, tmp);
  if (res.code !== 0) throw new CliError('failed', `apt-get -s dist-upgrade: ${aptError(res.stderr, res.code)}`);
  return fromSimulation(res.stdout);
}

function aptError(stderr: string, code: number): string {
  const e = stderr.split('\n').find((l) => /^E: /.test(l));
  return e ? e.slice(3).trim() : firstLine(stderr, code);
}

function fromSimulation(text: string): UpdateCheck {
  const sim = parseAptSimulate(text);
  return { manager: 'apt', updates: sim.upgrades.map(pending), newPackages: sim.installs.map(pending), removals: sim.removals.map((x) => x.name) };
}

function pending(u: AptPlannedUpgrade): PendingUpdate {
  return { name: u.name, arch: u.arch, current: u.current, candidate: u.candidate, repository: u.origins.join(', '), security: u.security };
}

/** True when the guest's apt lists hold no package index (never refreshed, or cleaned). */
export async function aptListsEmpty(guest: Guest): Promise<boolean> {
  if (!(await isDir(guest.fs, APT_LISTS))) return true;
  return !(await guest.fs.list(APT_LISTS)).some((e) => e.type === 'file' && /_Packages(\.\w+)?$/.test(e.name));
}
