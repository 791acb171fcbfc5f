import type { Output } from '../../../src/shell/output.js';
import type { Finding } from '../../../src/audit/finding.js';

export interface AuditReport {
  findings: Finding[];
  /** Paths the audit could not read (their findings are missing). */
  unreadable: string[];
}

/** The audits' table: worst first; guest text is escaped by the table. */
export function renderFindings(r: AuditReport, out: Output, what: string): void {
  if (r.findings.length === 0) out.line(`no ${what} found`);
  else out.table(['SEVERITY', 'KIND', 'PATH', 'DETAIL'], r.findings.map((f) => [f.severity, f.kind, f.path, f.detail]));
  if (r.unreadable.length > 0) out.note(`${r.unreadable.length} path(s) could not be read, e.g. ${r.unreadable[0]}`);
}
