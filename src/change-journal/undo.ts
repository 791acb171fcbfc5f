import type { CommandContext } from '../shell/command.js';
import type { JournalEntry, JournalRecord } from './journal.js';
import { isUnder, outsideVerdict, walkOutside, type OutsideChange } from './outside-walk.js';
import { restoreEntry, restoreOrder } from './restore-entry.js';
import { changedSince } from './tree-snapshot.js';
import { undoPackages, type PackageUndo } from './undo-packages.js';

// Reverts one journaled command: its package changes first (the manager's own undo touches the
// trees the snapshot holds), then every path it touched, back to its before-image. A command with
// snapshotted trees gets its trees back whole: every path that differs from the before-snapshot
// now, which includes what the package manager's undo (a purge) did besides the command's own
// changes. Last, what its programs changed outside the trees: created paths are removed, and what
// still differs from before is named as not undone.

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
  for (const entry of restoreOrder(await entriesToRestore(ctx, record))) {
    const r = await restoreEntry(ctx.guest.fs, entry, dryRun);
    if (r.action === 'restored') out.restored.push(entry.path);
    else if (r.action === 'removed') out.removed.push(entry.path);
    else if (r.action === 'not-undone') out.notUndone.push({ what: entry.path, reason: r.reason });
  }
  if (record.outside && record.outside.length > 0) await undoOutside(ctx, record.outside, record.trees?.roots ?? [], dryRun, out);
  for (const program of record.untracked ?? []) {
    out.notUndone.push({ what: `ran ${program}`, reason: 'what it changed beyond the paths above was not recorded' });
  }
  if (!dryRun) record.undone = true;
  return out;
}

/**
 * The record's entries, with those inside its snapshotted trees replaced by every path of the
 * trees that differs from the before-snapshot now (undo runs newest first, so the trees hold the
 * command's after-state plus what the package undo just did).
 */
async function entriesToRestore(ctx: CommandContext, record: JournalRecord): Promise<JournalEntry[]> {
  if (!record.trees) return record.entries;
  const { roots, before } = record.trees;
  const inTrees = await changedSince(ctx.guest, roots, before);
  return [...inTrees, ...record.entries.filter((e) => !isUnder(e.path, roots))];
}

async function undoOutside(ctx: CommandContext, changes: readonly OutsideChange[], roots: readonly string[], dryRun: boolean, out: UndoneRecord): Promise<void> {
  const now = await walkOutside(ctx.guest, roots);
  const depth = (p: string) => p.split('/').length;
  // Deepest first: a directory the command created is empty once its own new entries are gone.
  for (const c of [...changes].sort((a, b) => depth(b.path) - depth(a.path) || a.path.localeCompare(b.path))) {
    const v = outsideVerdict(c, now.get(c.path) ?? null);
    if (v.action === 'not-undone') out.notUndone.push({ what: c.path, reason: v.reason });
    if (v.action !== 'remove') continue;
    if (c.after?.type === 'directory' && !dryRun) {
      const left = await ctx.guest.fs.list(c.path);
      if (left.length > 0) {
        out.notUndone.push({ what: c.path, reason: `a directory the command created that holds ${left.length} entr${left.length === 1 ? 'y' : 'ies'} it did not create; left in place` });
        continue;
      }
    }
    if (!dryRun) await ctx.guest.fs.remove(c.path);
    out.removed.push(c.path);
  }
}
