import { posix } from 'node:path';
import { globMatcher } from '../parsers/glob.js';

// Which files ifupdown reads, in order, starting from /etc/network/interfaces and following
// `source PATTERN` and `source-directory DIR` (run-parts names only: letters, digits, _ and -).
// Pure: `files` maps the guest paths that exist to their text.

export const INTERFACES = '/etc/network/interfaces';

function matching(files: Record<string, string>, pattern: string): string[] {
  const dir = posix.dirname(pattern);
  const base = globMatcher(posix.basename(pattern));
  return Object.keys(files)
    .filter((p) => posix.dirname(p) === dir && base(posix.basename(p)))
    .sort();
}

/** The files ifupdown reads, includes expanded where they appear, each read once. */
export function ifupdownFiles(files: Record<string, string>, entry = INTERFACES): string[] {
  const out: string[] = [];
  const visit = (path: string) => {
    if (out.includes(path) || files[path] === undefined) return;
    out.push(path);
    for (const line of files[path]!.split('\n')) {
      const m = /^\s*(source|source-directory|source-dir)\s+(\S+)/.exec(line);
      if (!m) continue;
      const target = posix.resolve(posix.dirname(path), m[2]!);
      if (m[1] === 'source') matching(files, target).forEach(visit);
      else matching(files, `${target}/*`).filter((p) => /^[A-Za-z0-9_-]+$/.test(posix.basename(p))).forEach(visit);
    }
  };
  visit(entry);
  return out;
}
