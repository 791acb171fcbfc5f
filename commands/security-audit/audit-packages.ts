import { defineCommand } from '../../src/shell/command.js';
import type { Output } from '../../src/shell/output.js';
import { dpkgVerify } from '../../src/audit/dpkg-verify.js';
import { sortFindings } from '../../src/audit/finding.js';
import { rpmVerify } from '../../src/audit/rpm-verify.js';
import { CliError } from '../../src/util/errors.js';
import { renderFindings, type AuditReport } from './_shared/findings.js';

export const auditPackages = defineCommand({
  name: 'audit-packages',
  category: 'security-audit',
  summary: 'Package files whose content differs from the package database: changed configs and, worse, changed binaries',
  description:
    'dpkg: like debsums, every file listed in /var/lib/dpkg/info/*.md5sums and every conffile of /var/lib/dpkg/status is ' +
    'hashed through the guest file API (streamed, a few at a time) and compared. A changed conffile is a changed config ' +
    '(low: admins edit those); a changed program or library under bin, sbin or lib is a changed binary (high); any other ' +
    "changed file medium; a listed file that is gone is missing. rpm: the guest's own `rpm -Va` in the jail, parsed (5: digest " +
    'changed, c: config file); attribute-only changes are info. Other package formats are refused.',
  examples: ['audit-packages'],
  needs: ['fs'],
  async run(ctx): Promise<AuditReport> {
    const format = ctx.guest.os.packageFormat;
    if (format === 'deb') return { findings: sortFindings((await dpkgVerify(ctx.guest, ctx.signal)).findings), unreadable: [] };
    if (format === 'rpm') {
      if (!ctx.guest.capabilities.has('exec')) throw new CliError('failed', 'audit-packages: rpm -Va needs to run in the guest, and this guest cannot run programs');
      return { findings: sortFindings((await rpmVerify(ctx.guest, ctx.signal)).findings), unreadable: [] };
    }
    throw new CliError('failed', `audit-packages: no package digests to compare for ${format ?? 'an unknown'} package format (dpkg and rpm only)`);
  },
  render(r: AuditReport, out: Output) {
    renderFindings(r, out, 'changed package files');
  },
});
