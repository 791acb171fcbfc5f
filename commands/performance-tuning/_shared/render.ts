// Printing what tune-set / tune-swappiness did (internal: not a command).

import type { Output } from '../../../src/shell/output.js';
import type { TuneSetResult } from './set-key.js';

export function renderTuneSet(r: TuneSetResult, out: Output): void {
  if (r.dryRun) {
    out.write(r.diff === '' ? '' : r.diff);
    out.line(r.diff === '' ? `nothing to change: ${r.file} already sets ${r.key} = ${r.value}` : `dry run: would set ${r.key} = ${r.value} in ${r.file}`);
    return;
  }
  out.line(r.diff === '' ? `${r.file} already sets ${r.key} = ${r.value}` : `set ${r.key} = ${r.value} in ${r.file}`);
  if (r.appliedLive) out.line(`  applied now (was ${r.previousLive})`);
  else out.line('  takes effect at next boot');
}
