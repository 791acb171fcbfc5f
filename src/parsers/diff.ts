import { structuredPatch } from 'diff';

// Unified diffs for `edit` and `--dry-run`, formatted exactly as `diff -u` prints them;
// jsdiff computes the hunks.

export interface UnifiedDiffOptions {
  oldLabel?: string;
  newLabel?: string;
  /** Lines of context around each change (default 3). */
  context?: number;
}

/** `diff -u` output for two texts; '' when they are equal. */
export function unifiedDiff(oldText: string, newText: string, opts: UnifiedDiffOptions = {}): string {
  if (oldText === newText) return '';
  const patch = structuredPatch('a', 'b', oldText, newText, undefined, undefined, { context: opts.context ?? 3 });
  const out = [`--- ${opts.oldLabel ?? 'a'}`, `+++ ${opts.newLabel ?? 'b'}`];
  for (const h of patch.hunks) {
    out.push(`@@ -${range(h.oldStart, h.oldLines)} +${range(h.newStart, h.newLines)} @@`, ...h.lines);
  }
  return out.join('\n') + '\n';
}

/** diff -u ranges: `start` alone for one line; an empty range names the line before it. */
function range(start: number, count: number): string {
  if (count === 1) return String(start);
  return `${count === 0 ? start - 1 : start},${count}`;
}
