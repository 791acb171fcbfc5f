// Printing what cron-add and cron-remove did (internal: not a command).

import type { Output } from '../../../src/shell/output.js';
import { escapeForTerminal, escapeLinesForTerminal } from '../../../src/shell/escape.js';

export interface CronChangeResult {
  action: 'add' | 'remove';
  file: string;
  user: string;
  /** The job lines added or removed. */
  lines: string[];
  created: boolean;
  changed: boolean;
  dryRun: boolean;
  diff: string;
}

export function renderCronChange(r: CronChangeResult, out: Output): void {
  const file = escapeForTerminal(r.file);
  if (r.dryRun) {
    out.write(escapeLinesForTerminal(r.diff));
    out.line(r.changed ? `dry run: would ${r.action === 'add' ? 'add to' : 'remove from'} ${file}` : `nothing to change in ${file}`);
    return;
  }
  if (!r.changed) {
    out.line(`${file} already has this job`);
    return;
  }
  const verb = r.action === 'add' ? (r.created ? 'created' : 'added to') : 'removed from';
  out.line(`${verb} ${file}:`);
  for (const l of r.lines) out.line(`  ${escapeForTerminal(l)}`);
}
