import type { GuestFs } from '../guest/types.js';

/**
 * The guest path whose components match `path`'s ignoring case (Windows names are
 * case-insensitive, NTFS through ntfs-3g is not), or null when a component has no match.
 * An exact match wins over a case-insensitive one.
 */
export async function findPathIgnoringCase(fs: GuestFs, path: string): Promise<string | null> {
  let dir = '/';
  for (const name of path.split('/').filter((c) => c.length > 0)) {
    let entries;
    try {
      entries = await fs.list(dir);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'ENOTDIR') return null;
      throw err;
    }
    const found = entries.find((e) => e.name === name) ?? entries.find((e) => e.name.toLowerCase() === name.toLowerCase());
    if (!found) return null;
    dir = dir === '/' ? `/${found.name}` : `${dir}/${found.name}`;
  }
  return dir;
}
