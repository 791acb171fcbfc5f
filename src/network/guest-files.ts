import { posix } from 'node:path';
import type { Guest } from '../guest/types.js';
import { readOptional } from '../guest/file-changes.js';
import { isAbsent } from '../guest/stat-or-null.js';

// Reading the network configuration files of a guest: a directory's regular files (path → text),
// a missing directory being no files.

export async function readDirFiles(guest: Guest, dir: string, keep: (name: string) => boolean = () => true): Promise<Record<string, string>> {
  let entries;
  try {
    entries = await guest.fs.list(dir);
  } catch (err) {
    if (isAbsent(err)) return {};
    throw err;
  }
  const out: Record<string, string> = {};
  for (const e of entries.filter((x) => x.type === 'file' && keep(x.name)).sort((a, b) => a.name.localeCompare(b.name))) {
    const path = posix.join(dir, e.name);
    const text = await readOptional(guest, path);
    if (text !== null) out[path] = text;
  }
  return out;
}
