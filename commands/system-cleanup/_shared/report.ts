// The one result every cleanup command returns, and how it is printed.
import type { Output } from '../../../src/shell/output.js';
import { escapeForTerminal as esc } from '../../../src/shell/escape.js';
import { formatBytes } from '../../../src/util/format.js';
import type { FilesystemFree } from './free-space.js';
import { totalSize, type PathItem } from './guest-paths.js';

export interface CleanupReport {
  dryRun: boolean;
  /** What goes (went), with allocated sizes. */
  items: PathItem[];
  listedBytes: number;
  /** Guest commands run (or, with --dry-run, that would run). */
  commands: string[];
  /** Measured on the filesystems before and after (null with --dry-run). */
  freedBytes: number | null;
  filesystems: FilesystemFree[];
}

export function report(dryRun: boolean, items: PathItem[], commands: string[], measured?: { freedBytes: number | null; filesystems: FilesystemFree[] }): CleanupReport {
  return { dryRun, items, listedBytes: totalSize(items), commands, freedBytes: measured?.freedBytes ?? null, filesystems: measured?.filesystems ?? [] };
}

export function renderReport(r: CleanupReport, out: Output, what = 'nothing to remove'): void {
  if (r.items.length === 0 && r.commands.length === 0) {
    out.line(what);
  } else {
    if (r.items.length > 0) out.table(['SIZE', 'PATH'], r.items.map((i) => [formatBytes(i.size), i.path]), { rightAlign: [0] });
    for (const c of r.commands) out.line(`${r.dryRun ? 'would run' : 'ran'} in the guest: ${esc(c)}`);
  }
  summary(r, out);
}

export function summary(r: CleanupReport, out: Output, prefix = ''): void {
  const listed = `${r.items.length} path${r.items.length === 1 ? '' : 's'}, ${formatBytes(r.listedBytes)}`;
  if (r.dryRun) return out.line(`${prefix}would remove ${listed}; nothing changed (--dry-run)`);
  out.line(`${prefix}removed ${listed}; ${freedText(r.freedBytes, r.filesystems)}`);
}

/** "freed N measured on the filesystems (/ A -> B free)", or that it was not measured. */
export function freedText(freedBytes: number | null, filesystems: FilesystemFree[]): string {
  const fs = filesystems.map((f) => `${esc(f.mountpoint)} ${formatBytes(f.before)} -> ${formatBytes(f.after)} free`).join(', ');
  return freedBytes === null ? 'bytes freed not measured' : `freed ${formatBytes(freedBytes)} measured on the filesystems${fs ? ` (${fs})` : ''}`;
}
