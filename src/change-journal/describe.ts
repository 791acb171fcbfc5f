import { createHash } from 'node:crypto';
import { unifiedDiff } from '../parsers/diff.js';
import type { PackageChanges } from '../packages/package-changes.js';
import type { BeforeImage, JournalEntry, JournalRecord } from './journal.js';

// The journal as `changes` shows it: plain data (no buffers), with unified diffs of text files on request.

export interface ChangedPath {
  path: string;
  /** 'absent': the path did not exist before the command. */
  before: 'absent' | { type: string; mode: number; uid: number; gid: number; size?: number; sha256?: string; linkTarget?: string; xattrs?: string[] };
  /** What the command did to the path, in one word. */
  change: 'created' | 'modified' | 'removed';
  /** With --diff, text files: before → after; binary files: a note. */
  diff?: string;
}

export interface ChangeRecordView {
  seq: number;
  command: string;
  time: string;
  ok: boolean;
  /** Reverted by `undo`. */
  undone: boolean;
  paths: ChangedPath[];
  /** Package manager changes (commands that declare them). */
  packages?: PackageChanges;
  /** Package commands (offline): paths outside the snapshotted trees its programs changed (metadata only: no before-content). */
  outside?: { path: string; change: 'created' | 'modified' | 'removed' }[];
  /** Guest programs the command ran whose other changes are not known. */
  untracked?: string[];
}

export function describeRecords(records: readonly JournalRecord[], withDiff: boolean): ChangeRecordView[] {
  return records.map((r) => ({
    seq: r.seq,
    command: r.commandLine,
    time: r.time.toISOString(),
    ok: r.ok,
    undone: r.undone === true,
    paths: r.entries.map((e) => describeEntry(e, withDiff)),
    ...(r.packages ? { packages: r.packages } : {}),
    ...(r.outside ? { outside: r.outside.map((c) => ({ path: c.path, change: c.before === null ? ('created' as const) : c.after === null ? ('removed' as const) : ('modified' as const) })) } : {}),
    ...(r.untracked ? { untracked: r.untracked } : {}),
  }));
}

function describeEntry(e: JournalEntry, withDiff: boolean): ChangedPath {
  const b = e.before;
  const gone = e.after === null;
  const out: ChangedPath = {
    path: e.path,
    before: b.state === 'absent' ? 'absent' : beforeView(b),
    change: b.state === 'absent' ? 'created' : gone && b.type === 'file' ? 'removed' : 'modified',
  };
  if (withDiff) {
    const diff = diffOfEntry(e);
    if (diff !== undefined) out.diff = diff;
  }
  return out;
}

function beforeView(b: Extract<BeforeImage, { state: 'present' }>): Exclude<ChangedPath['before'], 'absent'> {
  const v: Exclude<ChangedPath['before'], 'absent'> = { type: b.type, mode: b.mode, uid: b.uid, gid: b.gid };
  if (b.content) {
    v.size = b.content.length;
    v.sha256 = createHash('sha256').update(b.content).digest('hex');
  }
  if (b.linkTarget !== undefined) v.linkTarget = b.linkTarget;
  if (b.xattrs && Object.keys(b.xattrs).length > 0) v.xattrs = Object.keys(b.xattrs);
  return v;
}

/** Unified diff of a regular file's content (absent or removed counts as empty); undefined when no file content changed. */
function diffOfEntry(e: JournalEntry): string | undefined {
  const before = e.before.state === 'present' ? e.before.content : Buffer.alloc(0);
  if (before === undefined) return undefined; // was a directory, symlink, ...: no content to compare
  const after = e.after ?? null;
  if (e.before.state === 'absent' && after === null) return undefined;
  const afterBytes = after ?? Buffer.alloc(0);
  if (before.equals(afterBytes)) return undefined;
  if (isBinary(before) || isBinary(afterBytes)) return `Binary file ${e.path} changed\n`;
  return unifiedDiff(before.toString('utf8'), afterBytes.toString('utf8'), {
    oldLabel: e.before.state === 'absent' ? '/dev/null' : `a${e.path}`,
    newLabel: after === null ? '/dev/null' : `b${e.path}`,
  });
}

function isBinary(data: Buffer): boolean {
  return data.includes(0) || !Buffer.from(data.toString('utf8'), 'utf8').equals(data);
}
