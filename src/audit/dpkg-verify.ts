import type { Guest } from '../guest/types.js';
import { isInstalled, parseStanzas } from '../parsers/dpkg-status.js';
import { parseConffiles, parseMd5sums, type FileDigest } from '../parsers/md5sums.js';
import { CliError, describeError } from '../util/errors.js';
import { guestFileDigest } from '../guest/file-digest.js';
import { mapPool } from '../libvirt/pool.js';
import { isAbsent } from '../guest/stat-or-null.js';
import type { Finding } from './finding.js';
import { isBinaryPath } from './changed-file.js';

// debsums' check through the guest file API: every file listed in
// /var/lib/dpkg/info/*.md5sums and every conffile of the status file, hashed and compared.

const INFO = '/var/lib/dpkg/info';
const STATUS = '/var/lib/dpkg/status';
const POOL = 4;

interface Checked extends FileDigest {
  pkg: string;
  conffile: boolean;
}

export async function dpkgVerify(guest: Guest, signal: AbortSignal): Promise<{ findings: Finding[]; checked: number }> {
  const status = parseStanzas((await guest.fs.readFile(STATUS)).toString('utf8')).filter(isInstalled);
  const files: Checked[] = [];
  const installed = new Set<string>();
  for (const s of status) {
    const pkg = s.get('Package') ?? '';
    installed.add(pkg);
    installed.add(`${pkg}:${s.get('Architecture') ?? ''}`);
    for (const d of parseConffiles(s.get('Conffiles') ?? '')) files.push({ ...d, pkg, conffile: true });
  }
  const conffiles = new Set(files.map((f) => f.path));
  for (const e of await guest.fs.list(INFO)) {
    if (!e.name.endsWith('.md5sums')) continue;
    const pkg = e.name.slice(0, -'.md5sums'.length);
    if (!installed.has(pkg)) continue;
    let digests: FileDigest[];
    try {
      digests = parseMd5sums((await guest.fs.readFile(`${INFO}/${e.name}`)).toString('utf8'));
    } catch (err) {
      throw new CliError('failed', `reading ${INFO}/${e.name}: ${describeError(err)}`);
    }
    for (const d of digests) if (!conffiles.has(d.path)) files.push({ ...d, pkg: pkg.replace(/:.*/, ''), conffile: false });
  }
  const findings: Finding[] = [];
  await mapPool(files, POOL, async (f) => {
    if (signal.aborted) throw new CliError('cancelled', 'cancelled');
    let md5: string;
    try {
      md5 = await guestFileDigest(guest.fs, f.path, 'md5', signal);
    } catch (err) {
      if (isAbsent(err)) {
        findings.push({ severity: f.conffile ? 'low' : 'medium', kind: f.conffile ? 'missing-config' : 'missing-file', path: f.path, detail: `listed by ${f.pkg}, not in the guest` });
        return;
      }
      throw new CliError('failed', `hashing ${f.path} (${f.pkg}): ${describeError(err)}`);
    }
    if (md5 === f.md5) return;
    findings.push(changedFinding(f, `${f.pkg}: md5 ${md5}, the package database says ${f.md5}`));
  });
  return { findings, checked: files.length };
}

function changedFinding(f: Checked, detail: string): Finding {
  if (f.conffile) return { severity: 'low', kind: 'changed-config', path: f.path, detail };
  return isBinaryPath(f.path) ? { severity: 'high', kind: 'changed-binary', path: f.path, detail } : { severity: 'medium', kind: 'changed-file', path: f.path, detail };
}
