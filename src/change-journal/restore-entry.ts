import type { GuestFs } from '../guest/types.js';
import { beforeImage } from './journaling-fs.js';
import type { BeforeImage, JournalEntry } from './journal.js';
import { contentDigest, sameImage } from './tree-snapshot.js';

// Puts one journaled path back as its before-image: content byte for byte (atomic write), type,
// mode, owner and the journaled xattrs; a path that did not exist is removed. What cannot be put
// back through the file layer is returned as a reason instead of being skipped silently.

export type RestoreOutcome = { action: 'restored' | 'removed' | 'unchanged' } | { action: 'not-undone'; reason: string };

type Present = Extract<BeforeImage, { state: 'present' }>;

/** Undo order within one command: created paths deepest first, then the others shallowest first. */
export function restoreOrder(entries: readonly JournalEntry[]): JournalEntry[] {
  const depth = (p: string) => p.split('/').length;
  const created = entries.filter((e) => e.before.state === 'absent').sort((a, b) => depth(b.path) - depth(a.path));
  const existed = entries.filter((e) => e.before.state === 'present').sort((a, b) => depth(a.path) - depth(b.path));
  return [...created, ...existed];
}

export async function restoreEntry(fs: GuestFs, entry: JournalEntry, dryRun: boolean): Promise<RestoreOutcome> {
  const now = await beforeImage(fs, entry.path);
  if (sameImage(entry.before, now)) return { action: 'unchanged' };
  if (entry.before.state === 'absent') {
    if (!dryRun) await fs.remove(entry.path, { recursive: now.state === 'present' && now.type === 'directory' });
    return { action: 'removed' };
  }
  const why = cannotRestore(entry.before, now);
  if (why) return { action: 'not-undone', reason: why };
  if (!dryRun) await putBack(fs, entry.path, entry.before, now);
  return { action: 'restored' };
}

function cannotRestore(was: Present, now: BeforeImage): string | null {
  if (!['file', 'directory', 'symlink'].includes(was.type)) return `was a ${was.type}, which the file layer cannot create`;
  if (was.type === 'file' && !was.content) {
    const same = now.state === 'present' && now.type === 'file' && contentDigest(now) === was.sha256;
    if (!same) return 'its content was past the snapshot budget and was not kept';
  }
  if (was.type === 'symlink' && (was.uid !== 0 || was.gid !== 0)) return `a symlink owned by ${was.uid}:${was.gid} (symlink owners are not restored)`;
  if (now.state === 'present' && now.type === 'directory' && was.type !== 'directory') return `now a directory, was a ${was.type}`;
  const dropped = Object.keys(now.state === 'present' ? (now.xattrs ?? {}) : {}).filter((n) => !(was.xattrs && n in was.xattrs));
  if (dropped.length > 0 && was.type !== 'file') return `has ${dropped.join(', ')} now, which the file layer cannot remove`;
  return null;
}

async function putBack(fs: GuestFs, path: string, was: Present, now: BeforeImage): Promise<void> {
  const existsAs = now.state === 'present' ? now.type : null;
  if (was.type === 'directory') {
    if (existsAs !== 'directory') {
      if (existsAs) await fs.remove(path);
      await fs.mkdir(path, { mode: was.mode });
    }
  } else if (was.type === 'symlink') {
    if (existsAs) await fs.remove(path);
    await fs.symlink(was.linkTarget!, path);
    return;
  } else {
    if (existsAs && existsAs !== 'file') await fs.remove(path);
    // Content not kept means it is unchanged (cannotRestore checked): then only the metadata differs.
    if (was.content !== undefined) await replaceFile(fs, path, was.content, existsAs === 'file' && now.state === 'present' && hasExtraXattrs(was, now));
  }
  await fs.chown(path, was.uid, was.gid);
  await fs.chmod(path, was.mode);
  if (was.xattrs && fs.setXattr) for (const [name, value] of Object.entries(was.xattrs)) await fs.setXattr(path, name, value);
}

/** Writes the bytes back; a file carrying xattrs it did not have is replaced by a fresh one, so they go. */
async function replaceFile(fs: GuestFs, path: string, content: Buffer, dropXattrs: boolean): Promise<void> {
  if (dropXattrs) await fs.remove(path);
  await fs.writeFile(path, content);
}

function hasExtraXattrs(was: Present, now: Present): boolean {
  return Object.keys(now.xattrs ?? {}).some((n) => !(was.xattrs && n in was.xattrs));
}
