import { lstatSync, readdirSync, type Dirent } from 'node:fs';
import type { TreeScan } from './types.js';
import type { Resolved } from './resolve.js';
import { hostFileType } from './host-entry.js';
import { DirectoryLoopGuard } from './loop-guard.js';
import { CliError } from '../util/errors.js';

// The tree below a directory of a host-directory guest, read synchronously with no per-entry
// promise and no per-entry path string unless the visitor keeps the entry or it is a directory to enter;
// entries are lstat'ed only when the visitor asks for their size. Symlinks are never entered.

interface Frame {
  host: string;
  guest: string;
  depth: number;
  entries: Dirent[];
  i: number;
}

/** Directories read between two returns to the event loop (so Ctrl-C can land). */
const YIELD_EVERY = 512;

const byName = (a: { name: string }, b: { name: string }) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);

function lsize(host: string): number {
  return lstatSync(host, { throwIfNoEntry: false })?.size ?? -1;
}

export async function scanHostTree(r: Resolved, scan: TreeScan): Promise<void> {
  const stack: Frame[] = [];
  let reads = 0;
  const loops = new DirectoryLoopGuard();
  const open = (host: string, guest: string, depth: number): void => {
    const loop = loops.enter(host);
    if (loop) {
      if (loop !== 'gone') scan.onError(guest || '/', loop);
      return;
    }
    try {
      const entries = readdirSync(host, { withFileTypes: true });
      entries.sort(byName);
      stack.push({ host, guest, depth, entries, i: 0 });
    } catch (err) {
      scan.onError(guest, err);
    }
  };
  open(r.hostPath, r.guestPath === '/' ? '' : r.guestPath, 1);
  while (stack.length > 0) {
    const f = stack[stack.length - 1]!;
    if (f.i >= f.entries.length) {
      stack.pop();
      continue;
    }
    const e = f.entries[f.i++]!;
    const name = e.name;
    const isDir = e.isDirectory();
    if (f.depth >= scan.minDepth) {
      const type = scan.needType ? hostFileType(e) : isDir ? 'directory' : 'file';
      scan.visit(f.guest, name, type, () => lsize(`${f.host}/${name}`));
    }
    if (isDir && f.depth < scan.maxDepth) {
      open(`${f.host}/${name}`, `${f.guest}/${name}`, f.depth + 1);
      if (++reads % YIELD_EVERY === 0) {
        await new Promise((resolve) => setImmediate(resolve));
        if (scan.signal.aborted) throw new CliError('cancelled', 'cancelled');
      }
    }
  }
}
