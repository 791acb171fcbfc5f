import type { GuestFs } from '../../../src/guest/types.js';
import { isDir } from '../../../src/guest/stat-or-null.js';

// SQLite databases: files that start with the SQLite header, looked for in the places
// applications keep them, in a bounded walk (depth and entry count), never through symlinks.

export const SQLITE_HEADER = Buffer.from('SQLite format 3\0', 'latin1');
export const SQLITE_ROOTS = ['/var/lib', '/srv', '/opt', '/home', '/root'];
const MAX_DEPTH = 6;
const MAX_ENTRIES = 20_000;
// Without a reader for the first bytes (a live guest) only names that look like databases are opened.
const DB_NAME = /\.(db|db3|sqlite|sqlite3)$/i;
const SKIP = new Set(['/var/lib/dpkg', '/var/lib/rpm', '/var/lib/apt', '/var/lib/postgresql', '/var/lib/pgsql', '/var/lib/mysql', '/var/lib/docker', '/var/lib/containers']);

export interface SqliteFile {
  path: string;
  size: number;
  /** The header's read/write versions are 2: the database is in WAL mode. */
  wal: boolean;
}

export interface SqliteScan {
  files: SqliteFile[];
  /** The walk stopped at the entry limit: files past it were not looked at. */
  truncated: boolean;
}

export async function scanSqlite(fs: GuestFs, roots = SQLITE_ROOTS): Promise<SqliteScan> {
  const files: SqliteFile[] = [];
  let seen = 0;
  const walk = async (dir: string, depth: number): Promise<boolean> => {
    for (const e of await fs.list(dir)) {
      if (++seen > MAX_ENTRIES) return false;
      const path = `${dir}/${e.name}`;
      if (e.type === 'directory' && depth < MAX_DEPTH && !SKIP.has(path)) {
        if (!(await walk(path, depth + 1))) return false;
      } else if (e.type === 'file' && (fs.openReader || DB_NAME.test(e.name))) {
        const f = await sqliteFile(fs, path);
        if (f) files.push(f);
      }
    }
    return true;
  };
  let truncated = false;
  for (const root of roots) if (!truncated && (await isDir(fs, root))) truncated = !(await walk(root, 1));
  return { files, truncated };
}

/** The file's header when it is a SQLite database (the first 100 bytes), else null. */
export async function sqliteFile(fs: GuestFs, path: string): Promise<SqliteFile | null> {
  const st = await fs.lstat(path);
  if (st.type !== 'file' || st.size < 100) return null;
  const head = await readHead(fs, path);
  if (head.length < 20 || !head.subarray(0, 16).equals(SQLITE_HEADER)) return null;
  return { path, size: st.size, wal: head[18] === 2 && head[19] === 2 };
}

async function readHead(fs: GuestFs, path: string): Promise<Buffer> {
  if (!fs.openReader) return (await fs.readFile(path)).subarray(0, 100);
  const r = await fs.openReader(path);
  try {
    for await (const chunk of r.chunks()) return chunk.subarray(0, 100);
    return Buffer.alloc(0);
  } finally {
    await r.close();
  }
}
