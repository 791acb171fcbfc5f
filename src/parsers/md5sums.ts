// dpkg's /var/lib/dpkg/info/PACKAGE.md5sums ("<32 hex>  relative/path" per line) and the
// Conffiles field of the status file (" /abs/path <md5>[ obsolete]" per line).

export interface FileDigest {
  /** Absolute guest path. */
  path: string;
  md5: string;
}

const MD5 = /^[0-9a-f]{32}$/;

export function parseMd5sums(text: string): FileDigest[] {
  const out: FileDigest[] = [];
  for (const line of text.split('\n')) {
    if (line === '') continue;
    const m = /^([0-9a-fA-F]{32}) [ *](.+)$/.exec(line);
    if (!m) throw new Error(`not an md5sums line: ${JSON.stringify(line.slice(0, 80))}`);
    const rel = m[2]!;
    out.push({ path: rel.startsWith('/') ? rel : `/${rel}`, md5: m[1]!.toLowerCase() });
  }
  return out;
}

/**
 * The conffiles dpkg still tracks: obsolete ones and those whose digest is a marker
 * (newconffile: not yet unpacked) are left out, as dpkg --verify leaves them out.
 */
export function parseConffiles(field: string): FileDigest[] {
  const out: FileDigest[] = [];
  for (const raw of field.split('\n')) {
    const words = raw.trim().split(/\s+/);
    if (words.length < 2 || !words[0]!.startsWith('/')) continue;
    const rest = words.slice(1);
    if (rest.includes('obsolete')) continue;
    // A path may contain spaces: the digest is the last word that is not a flag.
    const tail = raw.trim().split(' ');
    while (tail.length > 1 && (tail[tail.length - 1] === 'obsolete' || tail[tail.length - 1] === 'remove-on-upgrade')) tail.pop();
    const md5 = tail.pop()!;
    if (!MD5.test(md5)) continue;
    out.push({ path: tail.join(' '), md5 });
  }
  return out;
}
