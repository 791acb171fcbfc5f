import { lstatSync } from 'node:fs';

/**
 * A corrupt or hostile filesystem can make a directory its own descendant: host-side walks
 * enter each directory (device, inode) once, as find and du do.
 */
export class DirectoryLoopGuard {
  private readonly seen = new Set<string>();

  /** null: enter it; 'gone': it vanished; an Error: already visited (a loop). */
  enter(hostDir: string): null | 'gone' | Error {
    const id = lstatSync(hostDir, { throwIfNoEntry: false });
    if (!id) return 'gone';
    const key = `${id.dev}:${id.ino}`;
    if (this.seen.has(key)) return new Error('filesystem loop detected: directory already visited');
    this.seen.add(key);
    return null;
  }
}
