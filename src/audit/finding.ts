// What every audit reports: one finding per problem, with a severity so the worst sorts first.

export type Severity = 'high' | 'medium' | 'low' | 'info';

export interface Finding {
  severity: Severity;
  /** Short machine-readable class, e.g. world-writable, orphan-uid, changed-binary. */
  kind: string;
  path: string;
  detail: string;
}

const RANK: Record<Severity, number> = { high: 0, medium: 1, low: 2, info: 3 };

/** Worst first, then by path and kind (a stable, deterministic order for output and tests). */
export function sortFindings(findings: Finding[]): Finding[] {
  return [...findings].sort((a, b) => RANK[a.severity] - RANK[b.severity] || (a.path < b.path ? -1 : a.path > b.path ? 1 : 0) || (a.kind < b.kind ? -1 : a.kind > b.kind ? 1 : 0));
}
