// pacman: only what the guest's current sync databases offer (`pacman -Qu`). Refreshing them
// (pacman -Sy) without upgrading leaves an Arch guest a partial upgrade, so check-updates
// does not refresh them.
import { parsePacmanQu } from '../../parsers/upgrade-lines.js';
import { CliError } from '../../util/errors.js';
import { firstLine, runManager, type ManagerRun } from './exec.js';
import type { UpdateCheck } from './types.js';

export const PACMAN_NO_REFRESH =
  "pacman: refreshing the guest's sync databases (pacman -Sy) without upgrading would leave it a partial upgrade, which Arch does not support: " +
  "'packages --upgradable' shows what its current databases offer, and 'update' refreshes and upgrades together";

export async function pacmanUpgradable(r: ManagerRun): Promise<UpdateCheck> {
  const q = await runManager(r, ['pacman', '-Qu']);
  // pacman -Qu exits 1 when nothing is upgradable.
  if (q.code !== 0 && !(q.code === 1 && q.stdout.trim() === '' && q.stderr.trim() === '')) throw new CliError('failed', `pacman -Qu: ${firstLine(q.stderr, q.code)}`);
  const updates = parsePacmanQu(q.stdout).map((u) => ({ name: u.name, arch: '', current: u.current, candidate: u.candidate, repository: u.ignored ? 'ignored' : '', security: null }));
  return { manager: 'pacman', updates, newPackages: [], removals: [] };
}
