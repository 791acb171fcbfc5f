// zypper: refresh the repositories, then list the package updates. zypper tells security
// fixes as patches (list-patches --category security), not per package, so the rows say
// "unknown" and the number of needed security patches is reported beside them.
import { parseZypperTable } from '../../parsers/zypper-updates.js';
import { CliError } from '../../util/errors.js';
import { firstLine, runManager, type ManagerRun } from './exec.js';
import type { UpdateCheck } from './types.js';

const ZYPPER = ['zypper', '--non-interactive'];

export async function zypperUpdates(r: ManagerRun, refresh: boolean): Promise<UpdateCheck> {
  if (refresh) {
    const ref = await runManager(r, [...ZYPPER, 'refresh'], true);
    if (ref.code !== 0) throw new CliError('failed', `zypper refresh: ${firstLine(ref.stderr || ref.stdout, ref.code)}`);
  }
  const noRefresh = ['--no-refresh'];
  const lu = await runManager(r, [...ZYPPER, ...noRefresh, 'list-updates']);
  if (lu.code !== 0) throw new CliError('failed', `zypper list-updates: ${firstLine(lu.stderr || lu.stdout, lu.code)}`);
  const lp = await runManager(r, [...ZYPPER, ...noRefresh, 'list-patches', '--category', 'security']);
  // list-patches exits 100 when patches are needed.
  if (lp.code !== 0 && lp.code !== 100) throw new CliError('failed', `zypper list-patches: ${firstLine(lp.stderr || lp.stdout, lp.code)}`);
  const updates = parseZypperTable(lu.stdout).map((row) => ({
    name: row['Name'] ?? '',
    arch: row['Arch'] ?? '',
    current: row['Current Version'] ?? null,
    candidate: row['Available Version'] ?? '',
    repository: row['Repository'] ?? '',
    security: null,
  }));
  const securityPatches = parseZypperTable(lp.stdout)
    .filter((row) => /needed/i.test(row['Status'] ?? ''))
    .map((row) => row['Name'] ?? '');
  return { manager: 'zypper', updates, newPackages: [], removals: [], securityPatches };
}
