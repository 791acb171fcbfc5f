import { quote } from 'shell-quote';
import { expect } from 'vitest';
import { shell } from './cli.js';

// The whole guest tree as the guest's own find and sha256sum see it, in a read-only session
// (the jail): one line per path with type, mode, owner, size (files) and link target, then the
// content digest of every regular file. Timestamps are left out (a restored file is a new one),
// and so are directory sizes (ext4 never shrinks a directory).

const PRUNE = String.raw`\( -path /proc -o -path /sys -o -path /dev -o -path /run -o -path /tmp \) -prune -o`;
const SCRIPT =
  `find / /boot -xdev ${PRUNE} \\( -type d -printf 'd %m %U:%G %p\\n' -o -printf '%y %m %U:%G %s %p -> %l\\n' \\) | LC_ALL=C sort -k4; ` +
  `find / /boot -xdev ${PRUNE} -type f -print0 | xargs -0 sha256sum | LC_ALL=C sort -k2`;

/** Path -> its manifest lines (metadata and digest), so two manifests compare path by path. */
export async function treeManifest(img: string): Promise<Map<string, string>> {
  const r = await shell(img, [quote(['run', 'sh', '-c', SCRIPT])], ['--ro']);
  expect(r.code, r.stderr).toBe(0);
  const byPath = new Map<string, string>();
  for (const line of r.stdout.split('\n').filter(Boolean)) {
    const digest = /^([0-9a-f]{64}) {2}(.*)$/.exec(line);
    const path = digest ? digest[2]! : line.replace(/ -> .*$/, '').split(' ').slice(line.startsWith('d ') ? 3 : 4).join(' ');
    byPath.set(path, byPath.has(path) ? `${byPath.get(path)} | ${line}` : line);
  }
  return byPath;
}

/** The paths whose lines differ between two manifests (present in one only, or changed), sorted. */
export function manifestDifferences(a: Map<string, string>, b: Map<string, string>): string[] {
  const paths = new Set([...a.keys(), ...b.keys()]);
  return [...paths].filter((p) => a.get(p) !== b.get(p)).sort();
}
