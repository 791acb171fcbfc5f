import type { Guest } from '../guest/types.js';
import { parseRpmVerify, type RpmVerifyLine } from '../parsers/rpm-verify.js';
import { CliError } from '../util/errors.js';
import { isBinaryPath } from './changed-file.js';
import type { Finding } from './finding.js';

// The guest's own `rpm -Va` in the jail, as findings: a changed digest (5) of a config file (c)
// is a changed config, of any other file a changed binary or file; other attribute changes
// (mode, owner, time...) are info.

export function rpmFinding(l: RpmVerifyLine): Finding {
  const config = l.fileClass === 'c';
  if (l.missing) return { severity: config ? 'low' : 'medium', kind: config ? 'missing-config' : 'missing-file', path: l.path, detail: 'rpm -Va: missing' };
  const detail = `rpm -Va: ${l.flags}`;
  if (!l.digestChanged) return { severity: 'info', kind: 'changed-attributes', path: l.path, detail };
  if (config) return { severity: 'low', kind: 'changed-config', path: l.path, detail };
  return isBinaryPath(l.path) ? { severity: 'high', kind: 'changed-binary', path: l.path, detail } : { severity: 'medium', kind: 'changed-file', path: l.path, detail };
}

export async function rpmVerify(guest: Guest, signal: AbortSignal): Promise<{ findings: Finding[]; checked: null }> {
  const r = await guest.exec(['rpm', '-Va', '--nodeps', '--noscripts'], { signal, timeoutMs: 3600_000 });
  const { lines, other } = parseRpmVerify(r.stdout);
  // rpm -Va exits 1 when a file differs: that is the data. Anything else it could not say is a failure.
  if ((r.code !== 0 && r.code !== 1) || other.length > 0) throw new CliError('failed', `rpm -Va in the guest: exit ${r.code}: ${(other[0] ?? r.stderr.trim().split('\n')[0]) || 'no output'}`);
  return { findings: lines.map(rpmFinding), checked: null };
}
