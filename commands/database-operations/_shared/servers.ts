import type { Guest } from '../../../src/guest/types.js';
import { isDir, isFile } from '../../../src/guest/stat-or-null.js';
import { installedPackages } from '../../../src/packages/installed.js';

// MongoDB and Redis: where the distributions' packages keep their configuration and data,
// and which installed packages belong to which engine.

export type Engine = 'postgresql' | 'mariadb' | 'sqlite' | 'mongodb' | 'redis';

const PACKAGE_PATTERNS: Record<Engine, RegExp> = {
  postgresql: /^postgresql(\d+)?(-\d+)?(-server)?$|^postgresql-\d+$/,
  mariadb: /^(mariadb-server|mysql-server|mariadb-server-core|mysql-community-server|percona-server-server)(-[\d.]+)?$/,
  sqlite: /^(sqlite3?|sqlite-tools)$/,
  mongodb: /^(mongodb-org-server|mongodb-server|mongodb)$/,
  redis: /^(redis|redis-server|valkey|valkey-server)$/,
};

export interface ServerDirs {
  config: string | null;
  dataDir: string | null;
}

const LOCATIONS: Record<'mongodb' | 'redis', { config: string[]; data: string[] }> = {
  mongodb: { config: ['/etc/mongod.conf', '/etc/mongodb.conf'], data: ['/var/lib/mongodb', '/var/lib/mongo'] },
  redis: { config: ['/etc/redis/redis.conf', '/etc/redis.conf', '/etc/valkey/valkey.conf'], data: ['/var/lib/redis', '/var/lib/valkey'] },
};

export async function findServerDirs(guest: Guest, engine: 'mongodb' | 'redis'): Promise<ServerDirs | null> {
  const loc = LOCATIONS[engine];
  let config: string | null = null;
  for (const c of loc.config) if (!config && (await isFile(guest.fs, c))) config = c;
  let dataDir: string | null = null;
  for (const d of loc.data) if (!dataDir && (await isDir(guest.fs, d))) dataDir = d;
  return config || dataDir ? { config, dataDir } : null;
}

/** Installed packages of each engine ("name version"); empty when the guest has no package database. */
export async function enginePackages(guest: Guest, signal: AbortSignal): Promise<{ byEngine: Record<Engine, string[]>; note: string | null }> {
  const byEngine: Record<Engine, string[]> = { postgresql: [], mariadb: [], sqlite: [], mongodb: [], redis: [] };
  let list;
  try {
    list = await installedPackages(guest, signal);
  } catch (err) {
    return { byEngine, note: `packages not listed: ${(err as Error).message}` };
  }
  for (const p of list.packages) {
    for (const engine of Object.keys(PACKAGE_PATTERNS) as Engine[]) {
      if (PACKAGE_PATTERNS[engine].test(p.name)) byEngine[engine].push(`${p.name} ${p.version}`);
    }
  }
  return { byEngine, note: null };
}
