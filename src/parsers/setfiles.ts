// What the guest's `setfiles -v` (or `-n -v`) says it relabeled or would relabel. Pure.

export interface SetfilesRelabel {
  path: string;
  /** null: the file had no label ("(null)"). */
  from: string | null;
  to: string;
}

export interface SetfilesReport {
  relabels: SetfilesRelabel[];
  /** Paths the policy's file_contexts gives no label ("<<none>>"). */
  noDefault: string[];
}

const RELABEL = /^(?:Would relabel|Relabeled) (.+) from (\S+) to (\S+)$/;
const NO_DEFAULT = /^Warning no default label for (.+)$/;

export function parseSetfilesOutput(text: string): SetfilesReport {
  const report: SetfilesReport = { relabels: [], noDefault: [] };
  for (const line of text.split('\n')) {
    const m = RELABEL.exec(line.trim());
    if (m) {
      report.relabels.push({ path: m[1]!, from: m[2] === '(null)' ? null : m[2]!, to: m[3]! });
      continue;
    }
    const n = NO_DEFAULT.exec(line.trim());
    if (n) report.noDefault.push(n[1]!);
  }
  return report;
}
