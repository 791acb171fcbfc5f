// apk: `apk update` fetches the indexes, `apk version -l '<'` lists what they have newer.
// Alpine publishes no security metadata to apk, so security is unknown.
import { parseApkVersion } from '../../parsers/upgrade-lines.js';
import { CliError } from '../../util/errors.js';
import { firstLine, runManager, type ManagerRun } from './exec.js';
import type { UpdateCheck } from './types.js';

export async function apkUpdates(r: ManagerRun, refresh: boolean): Promise<UpdateCheck> {
  if (refresh) {
    const up = await runManager(r, ['apk', 'update'], true);
    if (up.code !== 0) throw new CliError('failed', `apk update: ${firstLine(up.stderr || up.stdout, up.code)}`);
  }
  const v = await runManager(r, ['apk', 'version', '-l', '<']);
  if (v.code !== 0) throw new CliError('failed', `apk version: ${firstLine(v.stderr || v.stdout, v.code)}`);
  const updates = parseApkVersion(v.stdout).map((u) => ({ name: u.name, arch: '', current: u.current, candidate: u.candidate, repository: '', security: null }));
  return { manager: 'apk', updates, newPackages: [], removals: [] };
}
