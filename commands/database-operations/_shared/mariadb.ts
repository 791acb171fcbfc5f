import type { GuestFs } from '../../../src/guest/types.js';
import { isDir, isFile } from '../../../src/guest/stat-or-null.js';

// A MariaDB/MySQL data directory: /var/lib/mysql on every family (the packages' default).
// Its version is the one the last mysql_upgrade/mariadb-upgrade recorded; the databases
// are its subdirectories (each holds a db.opt or table files), minus the server's own.

export const MYSQL_DATA_DIR = '/var/lib/mysql';
const SYSTEM_DIRS = new Set(['performance_schema', 'sys', '#innodb_temp', '#innodb_redo']);

export interface MyDataDir {
  dataDir: string;
  configDir: string | null;
  version: string | null;
  /** A pid file or a socket lock next to the data: the server is running or died. */
  running: boolean;
  databases: { name: string; size: number }[];
}

export async function findMyDataDir(fs: GuestFs, withSizes: boolean): Promise<MyDataDir | null> {
  const dataDir = MYSQL_DATA_DIR;
  if (!(await isDir(fs, dataDir))) return null;
  const configDir = (await isDir(fs, '/etc/mysql')) ? '/etc/mysql' : (await isFile(fs, '/etc/my.cnf')) ? '/etc/my.cnf' : null;
  let version: string | null = null;
  for (const f of ['mariadb_upgrade_info', 'mysql_upgrade_info']) {
    if (await isFile(fs, `${dataDir}/${f}`)) {
      version = (await fs.readFile(`${dataDir}/${f}`)).toString('utf8').replace(/\0/g, '').trim() || null;
      break;
    }
  }
  const entries = await fs.list(dataDir);
  const running = entries.some((e) => e.name.endsWith('.pid') || e.name === 'mysql.sock.lock');
  const databases: { name: string; size: number }[] = [];
  for (const e of entries) {
    if (e.type !== 'directory' || SYSTEM_DIRS.has(e.name) || e.name.startsWith('#')) continue;
    databases.push({ name: decodeDirName(e.name), size: withSizes ? await flatSize(fs, `${dataDir}/${e.name}`) : 0 });
  }
  return { dataDir, configDir, version, running, databases: databases.sort((a, b) => (a.name < b.name ? -1 : 1)) };
}

/** The server writes characters outside [A-Za-z0-9_] of a database name as @XXXX (hex code point). */
export function decodeDirName(dir: string): string {
  return dir.replace(/@([0-9a-f]{4})/g, (_m, hex: string) => String.fromCharCode(Number.parseInt(hex, 16)));
}

async function flatSize(fs: GuestFs, dir: string): Promise<number> {
  let total = 0;
  for (const e of await fs.list(dir)) if (e.type === 'file') total += (await fs.lstat(`${dir}/${e.name}`)).size;
  return total;
}
