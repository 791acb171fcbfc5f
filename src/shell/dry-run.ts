// --dry-run: one name for the option every changing command takes, and for the executor,
// which lets a dry run through on a read-only session.

import { isUtf8 } from 'node:buffer';
import type { Output } from './output.js';
import { unifiedDiff } from '../parsers/diff.js';
import { escapeForTerminal, escapeLinesForTerminal } from './escape.js';

export const DRY_RUN = 'dry-run';

/** The --dry-run option spec, with what a dry run of this command shows. */
export function dryRunOption(description = 'show the changes as a unified diff and write nothing'): { [DRY_RUN]: { type: 'boolean'; description: string } } {
  return { [DRY_RUN]: { type: 'boolean', description } };
}

/**
 * What a command's --dry-run returns when it has no result shape of its own: one line per
 * change it would make ("chmod /etc/x 0644 -> 0600") and, for text files, a unified diff.
 */
export interface DryRunPlan {
  dryRun: true;
  actions: string[];
  diff?: string;
}

export function dryRunPlan(actions: string[], diff?: string): DryRunPlan {
  return diff ? { dryRun: true, actions, diff } : { dryRun: true, actions };
}

export function isDryRunPlan(r: unknown): r is DryRunPlan {
  return typeof r === 'object' && r !== null && (r as DryRunPlan).dryRun === true && Array.isArray((r as DryRunPlan).actions);
}

/** The diff, then "would ACTION" per line; guest text is escaped. */
export function renderDryRun(plan: DryRunPlan, out: Output): void {
  if (plan.diff) out.write(escapeLinesForTerminal(plan.diff));
  if (plan.actions.length === 0) out.line('dry run: nothing would change');
  for (const a of plan.actions) out.line(`would ${escapeForTerminal(a)}`);
  if (plan.actions.length > 0) out.line('dry run: nothing was changed');
}

/**
 * The unified diff a write of `after` over `before` (null: a new file) would make, or undefined
 * when either side is not text (then the plan's action line gives the sizes).
 */
export function contentDiff(path: string, before: Buffer | null, after: Buffer): string | undefined {
  const text = (b: Buffer) => isUtf8(b) && !b.includes(0);
  if ((before && !text(before)) || !text(after)) return undefined;
  const old = before?.toString('utf8') ?? '';
  const now = after.toString('utf8');
  return old === now ? undefined : unifiedDiff(old, now, { oldLabel: before === null ? '/dev/null' : `a${path}`, newLabel: `b${path}` });
}
