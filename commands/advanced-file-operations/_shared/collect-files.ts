import { posix } from 'node:path';
import type { GuestFs } from '../../../src/guest/types.js';
import { isAbsent } from '../../../src/guest/stat-or-null.js';
import { CliError, describeError } from '../../../src/util/errors.js';

// The regular files grep-replace looks at: each PATH, and with `recursive` everything below a
// directory. Symlinks are never followed (a symlinked file or directory is skipped with the
// reason), as a sysadmin expects from `grep -r` (not -R) and sed -i without --follow-symlinks.

export interface Skipped {
  path: string;
  reason: string;
}

export interface Collected {
  files: string[];
  skipped: Skipped[];
}

export async function collectFiles(fs: GuestFs, paths: string[], recursive: boolean, signal: AbortSignal): Promise<Collected> {
  const out: Collected = { files: [], skipped: [] };
  const visit = async (path: string, top: boolean): Promise<void> => {
    if (signal.aborted) throw new CliError('cancelled', 'grep-replace: interrupted');
    const st = await fs.lstat(path).catch((err: Error) => {
      throw new CliError(top && isAbsent(err) ? 'not-found' : 'failed', `grep-replace: ${path}: ${describeError(err)}`);
    });
    if (st.type === 'file') out.files.push(path);
    else if (st.type === 'symlink') out.skipped.push({ path, reason: 'a symlink (not followed)' });
    else if (st.type !== 'directory') out.skipped.push({ path, reason: `a ${st.type}, not a regular file` });
    else if (!recursive) out.skipped.push({ path, reason: 'a directory (pass -r)' });
    else {
      const entries = await fs.list(path).catch((err: Error) => {
        throw new CliError('failed', `grep-replace: listing ${path}: ${describeError(err)}`);
      });
      for (const e of [...entries].sort((a, b) => (a.name < b.name ? -1 : 1))) await visit(posix.join(path, e.name), false);
    }
  };
  for (const p of paths) await visit(p, true);
  return out;
}
