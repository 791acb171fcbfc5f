import { defineCommand } from '../../src/shell/command.js';
import type { Output } from '../../src/shell/output.js';
import { auditWalk } from '../../src/audit/audit-walk.js';
import { sortFindings, type Finding } from '../../src/audit/finding.js';
import { packageOwners } from '../../src/audit/package-owners.js';
import type { AuditedEntry } from '../../src/audit/perm-findings.js';
import { octalMode } from '../../src/util/format.js';
import { renderFindings, type AuditReport } from './_shared/findings.js';

const SETUID = 0o4000;
const SETGID = 0o2000;

/** A setuid/setgid file: high when no package owns it, info when one does (null owners: not looked up). */
export function suidFinding(e: AuditedEntry, owners: string[] | null): Finding {
  const bits = [e.mode & SETUID ? 'setuid' : '', e.mode & SETGID ? 'setgid' : ''].filter(Boolean).join('+');
  const what = `${bits} mode ${octalMode(e.mode)} uid ${e.uid} gid ${e.gid}`;
  if (owners === null) return { severity: 'medium', kind: bits, path: e.path, detail: `${what}, owner package not looked up (no dpkg or rpm)` };
  if (owners.length === 0) return { severity: 'high', kind: `${bits}-unowned`, path: e.path, detail: `${what}, no package owns it` };
  return { severity: 'info', kind: bits, path: e.path, detail: `${what}, package ${owners.join(', ')}` };
}

export const auditSuid = defineCommand({
  name: 'audit-suid',
  category: 'security-audit',
  summary: 'Setuid and setgid files with the package that owns each; those no package owns flagged',
  description:
    'Walks PATH (default /) like audit-perms (no symlink followed; /proc, /sys, /dev and /run skipped) for regular files with ' +
    "the setuid or setgid bit, then asks the guest's own package database who owns them, all in one run in the jail " +
    '(dpkg-query -S, or rpm -qf). On a merged-/usr Debian dpkg records /bin/su for /usr/bin/su, so both spellings are asked. ' +
    'A file no package owns is high severity (a setuid copy of a shell is the classic backdoor); owned ones are info.',
  examples: ['audit-suid', 'audit-suid /usr/local'],
  positionals: [{ name: 'PATH', optional: true, complete: 'guest-dir', description: 'where to start (default /)' }],
  needs: ['fs', 'exec'],
  async run(ctx, args): Promise<AuditReport> {
    const start = ctx.guestPath(args.optStr('PATH') ?? '/');
    const found: AuditedEntry[] = [];
    const unreadable: string[] = [];
    for await (const e of auditWalk(ctx.guest, start, { signal: ctx.signal, onError: (p) => unreadable.push(p) })) {
      if (e.type === 'file' && e.mode & (SETUID | SETGID)) found.push(e);
    }
    const owners = await packageOwners(ctx.guest, found.map((e) => e.path), ctx.signal);
    if (owners === null) ctx.out.note(`no dpkg or rpm in this guest (${ctx.guest.os.packageFormat ?? 'unknown'} packages): owners not looked up`);
    return { findings: sortFindings(found.map((e) => suidFinding(e, owners ? (owners.get(e.path) ?? []) : null))), unreadable };
  },
  render(r: AuditReport, out: Output) {
    renderFindings(r, out, 'setuid or setgid files');
  },
});
