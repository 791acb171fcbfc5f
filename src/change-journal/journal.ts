import type { FileType } from '../guest/types.js';
import type { PackageChanges } from '../packages/package-changes.js';
import type { OutsideChange } from './outside-walk.js';

// The session's change journal: one record per mutating command, holding the before-image of
// every path the command touched (taken on first touch, so it is the state before the command).
// In memory for now; `undo` and `template-save` build on these records.

/** Extended attributes kept in a before-image (see XATTRS_READ_BY_NAME for why these). */
export { XATTRS_READ_BY_NAME as JOURNALED_XATTRS } from '../guest/tree-xattrs.js';

export type BeforeImage =
  | { state: 'absent' }
  | {
      state: 'present';
      type: FileType;
      mode: number;
      uid: number;
      gid: number;
      /** Regular files only: the bytes as they were (left out past a snapshot's size budget: then only `sha256`). */
      content?: Buffer;
      /** Regular files whose bytes were not kept: their digest, so undo can tell whether they changed. */
      sha256?: string;
      /** Symlinks only. */
      linkTarget?: string;
      /** Name → value of the JOURNALED_XATTRS the path had (absent when the backend cannot read xattrs). */
      xattrs?: Record<string, Buffer>;
    };

export interface JournalEntry {
  /** Canonical guest path (symlinks in the parent directories resolved). */
  path: string;
  before: BeforeImage;
  /** Regular files only: the content right after the command (for `changes --diff`); null when gone or not a file. */
  after?: Buffer | null;
}

export interface JournalRecord {
  seq: number;
  /** The command as typed (parsed words), for `template-save`. */
  argv: readonly string[];
  commandLine: string;
  time: Date;
  /** False when the command failed part-way (what it had changed is still recorded). */
  ok: boolean;
  entries: JournalEntry[];
  /** Commands with `journal.packages`: what the package manager installed, removed and upgraded. */
  packages?: PackageChanges;
  /** Guest programs the command ran whose changes beyond `entries` are not known (no journal trees declared). */
  untracked?: string[];
  /** Commands with journal trees (offline): the trees' whole before-state, so undo can bring them back entirely. */
  trees?: { roots: readonly string[]; before: Map<string, BeforeImage> };
  /** Package commands (offline): paths outside the trees whose metadata the command's programs changed. */
  outside?: OutsideChange[];
  /** Set by `undo` once the record's changes were reverted (it stays listed, marked). */
  undone?: boolean;
}

export class Journal {
  private readonly list: JournalRecord[] = [];

  add(record: Omit<JournalRecord, 'seq'>): JournalRecord {
    const r = { ...record, seq: this.list.length + 1 };
    this.list.push(r);
    return r;
  }

  records(): readonly JournalRecord[] {
    return this.list;
  }
}


/** A JournalSpec with its trees worked out for one command line. */
export interface ResolvedJournalSpec {
  trees?: readonly string[];
  packages?: boolean;
}
