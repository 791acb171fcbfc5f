import type { Guest } from './types.js';
import { unifiedDiff } from '../parsers/diff.js';
import { CliError, describeError } from '../util/errors.js';

// Commands that change configuration compute the new text with a pure editor and hand it
// here: one place applies changes atomically (each file: temp + rename, owner/mode/xattrs
// kept), rolls back the files already written when a later one fails or a validator says no,
// and renders --dry-run diffs. Several files (passwd, shadow, group, gshadow) change together
// or not at all.

export interface FileChange {
  path: string;
  /** Content before the change; null when the file does not exist yet. */
  before: string | null;
  after: string;
  /** For a new file: its mode and owner (an existing file keeps its own). */
  mode?: number;
  uid?: number;
  gid?: number;
}

/** Read a guest text file, or null when it does not exist. */
export async function readOptional(guest: Guest, path: string): Promise<string | null> {
  try {
    return (await guest.fs.readFile(path)).toString('utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
}

/** A change computed by `edit` on the current content (null: the file is missing). */
export async function planChange(guest: Guest, path: string, edit: (text: string | null) => string, opts: Omit<FileChange, 'path' | 'before' | 'after'> = {}): Promise<FileChange> {
  const before = await readOptional(guest, path);
  return { path, before, after: edit(before), ...opts };
}

export function changed(c: FileChange): boolean {
  return c.before !== c.after;
}

export function diffOf(changes: FileChange[]): string {
  return changes
    .filter(changed)
    .map((c) => unifiedDiff(c.before ?? '', c.after, { oldLabel: c.before === null ? '/dev/null' : `a${c.path}`, newLabel: `b${c.path}` }))
    .join('');
}

/**
 * A step run once every file is written: a validator (the guest's `sshd -t`) or the step that
 * completes the change (a link replaced). When it throws, the written files are put back.
 */
export interface Verify {
  run: () => Promise<void>;
  /**
   * The one-line error after the rollback, from the step's error and what the rollback did
   * (`restored`: "the previous content was restored", or the files it could not restore).
   * Default: "ERROR; RESTORED".
   */
  failure?: (err: unknown, restored: string) => string;
}

/**
 * Write every changed file, then run `verify` if given. When a write or the verify step fails,
 * the files already written are restored and a CliError names the cause. Returns the paths written.
 */
export async function applyChanges(guest: Guest, changes: FileChange[], verify?: Verify): Promise<string[]> {
  const done: FileChange[] = [];
  try {
    for (const c of changes.filter(changed)) {
      await guest.fs.writeFile(c.path, c.after, { mode: c.mode, uid: c.uid, gid: c.gid });
      done.push(c);
    }
  } catch (err) {
    const problems = await rollBack(guest, done);
    const rollback = problems.length > 0 ? `; ${problems.join('; ')}` : done.length > 0 ? '; earlier files restored' : '';
    throw new CliError('failed', `${describeError(err)}${rollback}`);
  }
  if (verify) {
    try {
      await verify.run();
    } catch (err) {
      const problems = await rollBack(guest, done);
      const restored = problems.length > 0 ? problems.join('; ') : done.length > 0 ? 'the previous content was restored' : 'no file was changed';
      throw new CliError('failed', verify.failure ? verify.failure(err, restored) : `${describeError(err)}; ${restored}`);
    }
  }
  return done.map((c) => c.path);
}

/**
 * Undo applied changes, last first: a file that did not exist before is removed, the others get
 * their previous content back. Returns one sentence per file that could not be restored.
 */
export async function rollBack(guest: Guest, applied: FileChange[]): Promise<string[]> {
  const problems: string[] = [];
  for (const c of applied.filter(changed).reverse()) {
    try {
      if (c.before === null) await guest.fs.remove(c.path);
      else await guest.fs.writeFile(c.path, c.before);
    } catch (err) {
      if (c.before === null && (err as NodeJS.ErrnoException).code === 'ENOENT') continue;
      problems.push(`could not ${c.before === null ? 'remove the new file' : 'restore'} ${c.path}: ${describeError(err)}`);
    }
  }
  return problems;
}
