// /proc/self/mountinfo (proc(5)): `ID PARENT MAJ:MIN ROOT MOUNTPOINT OPTIONS [OPTIONAL...] - FSTYPE SOURCE SUPEROPTS`,
// with blanks, tabs, newlines and backslashes in paths written as \040, \011, \012, \134.

function unescapeMountinfo(field: string): string {
  return field.replace(/\\([0-7]{3})/g, (_, octal: string) => String.fromCharCode(parseInt(octal, 8)));
}

/**
 * What is mounted on `path` (the last, topmost mount there), named as findmnt's SOURCE column
 * names it: the source, with `[ROOT]` when only a part of the filesystem is mounted (a btrfs
 * subvolume, a bind mount); null when nothing is.
 */
export function mountSourceAt(mountinfo: string, path: string): string | null {
  let found: string | null = null;
  for (const line of mountinfo.split('\n')) {
    const sep = line.indexOf(' - ');
    if (sep < 0) continue;
    const left = line.slice(0, sep).split(' ');
    const right = line.slice(sep + 3).split(' ');
    if (left.length < 6 || right.length < 2) continue;
    if (unescapeMountinfo(left[4]!) !== path) continue;
    const root = unescapeMountinfo(left[3]!);
    const source = unescapeMountinfo(right[1]!);
    found = root === '/' ? source : `${source}[${root}]`;
  }
  return found;
}
