import type { CommandContext } from '../shell/command.js';
import type { JournalRecord } from './journal.js';
import { restoreEntry, restoreOrder } from './restore-entry.js';
import { undoPackages, type PackageUndo } from './undo-packages.js';

// Reverts one journaled command: its package changes first (the manager's own undo touches the
// trees the snapshot holds), then every path it touched, back to its before-image.

export interface NotUndone {
  what: string;
  reason: string;
}

export interface UndoneRecord {
  seq: number;
  command: string;
  restored: string[];
  removed: string[];
  packages?: Omit<PackageUndo, 'notUndone'>;
  notUndone: NotUndone[];
}

export async function undoRecord(ctx: CommandContext, record: JournalRecord, dryRun: boolean): Promise<UndoneRecord> {
  const out: UndoneRecord = { seq: record.seq, command: record.commandLine, restored: [], removed: [], notUndone: [] };
  if (record.packages) {
    const { notUndone, ...done } = await undoPackages(ctx, record.packages, dryRun);
    out.packages = done;
    out.notUndone.push(...notUndone);
  }
  for (const entry of restoreOrder(record.entries)) {
    const r = await restoreEntry(ctx.guest.fs, entry, dryRun);
    if (r.action === 'restored') out.restored.push(entry.path);
    else if (r.action === 'removed') out.removed.push(entry.path);
    else if (r.action === 'not-undone') out.notUndone.push({ what: entry.path, reason: r.reason });
  }
  for (const program of record.untracked ?? []) {
    out.notUndone.push({ what: `ran ${program}`, reason: 'what it changed beyond the paths above was not recorded' });
  }
  if (!dryRun) record.undone = true;
  return out;
}
