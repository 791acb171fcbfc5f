// The rpm database is sqlite or Berkeley DB depending on the release, so it is read by the
// guest's own rpm (in the jail offline, through guest-exec live), never parsed here.
import type { Guest } from '../guest/types.js';
import { CliError } from '../util/errors.js';
import type { InstalledPackage } from './installed-package.js';

/** One package per line, tab-separated; the epoch only where there is one, as rpm -q prints it. */
export const RPM_QUERY_FORMAT = '%{NAME}\\t%|EPOCH?{%{EPOCH}:}:{}|%{VERSION}-%{RELEASE}\\t%{ARCH}\\t%{SIZE}\\t%{SUMMARY}\\n';

export function parseRpmQuery(stdout: string): InstalledPackage[] {
  return stdout
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => {
      const [name = '', version = '', arch = '', size = '', ...summary] = line.split('\t');
      const bytes = Number.parseInt(size, 10);
      return {
        name,
        version,
        arch: arch === '(none)' ? '' : arch, // gpg-pubkey entries have no architecture
        installedSize: Number.isFinite(bytes) ? bytes : null,
        summary: summary.join('\t'),
      };
    });
}

export async function queryRpm(guest: Guest, signal?: AbortSignal): Promise<InstalledPackage[]> {
  if (!guest.capabilities.has('exec')) throw new CliError('unsupported', "reading the rpm database needs the guest's own rpm, and this guest cannot run programs");
  const r = await guest.exec(['rpm', '-qa', '--queryformat', RPM_QUERY_FORMAT], { signal });
  if (r.code === 127) throw new CliError('missing-tool', 'rpm -qa: the guest has an rpm database but no rpm program');
  if (r.code !== 0) {
    const why = r.stderr.trim().split('\n').pop() || `exit status ${r.code}`;
    throw new CliError('failed', `rpm -qa in the guest failed: ${why}`);
  }
  return parseRpmQuery(r.stdout);
}
