// dnf and yum: `check-update` refreshes expired metadata itself and exits 100 when there are
// updates, 0 when there are none, 1 on an error; the security advisories come from updateinfo.
import { parseCheckUpdate, parseSecurityAdvisories } from '../../parsers/rpm-updates.js';
import { CliError } from '../../util/errors.js';
import { firstLine, runManager, type ManagerRun } from './exec.js';
import type { UpdateCheck } from './types.js';

export async function dnfUpdates(r: ManagerRun, manager: 'dnf' | 'yum', refresh: boolean): Promise<UpdateCheck> {
  // -C: the cached metadata only, never the network (`packages --upgradable`).
  const cacheOnly = refresh ? [] : ['-C'];
  const check = await runManager(r, [manager, '-q', ...cacheOnly, 'check-update'], refresh);
  if (check.code !== 0 && check.code !== 100) throw new CliError('failed', `${manager} check-update: ${firstLine(check.stderr || check.stdout, check.code)}`);
  const advisoryArgs = manager === 'yum' ? ['updateinfo', 'list', 'security'] : ['updateinfo', 'list', '--security'];
  const info = await runManager(r, [manager, '-q', ...cacheOnly, ...advisoryArgs], refresh);
  if (info.code !== 0) throw new CliError('failed', `${manager} ${advisoryArgs.join(' ')}: ${firstLine(info.stderr || info.stdout, info.code)}`);
  const security = parseSecurityAdvisories(info.stdout);
  const updates = parseCheckUpdate(check.stdout).map((u) => ({
    name: u.name,
    arch: u.arch,
    current: null,
    candidate: u.version,
    repository: u.repository,
    security: security.has(`${u.name}.${u.arch}`),
  }));
  return { manager, updates, newPackages: [], removals: [] };
}
