import type { GuestFs } from '../../../src/guest/types.js';
import { isDir, isFile } from '../../../src/guest/stat-or-null.js';
import { CliError, usageError } from '../../../src/util/errors.js';

// PostgreSQL clusters on a guest. Debian keeps each cluster's configuration in
// /etc/postgresql/VER/NAME and its data in /var/lib/postgresql/VER/NAME, with the server
// programs in /usr/lib/postgresql/VER/bin; RHEL-like guests keep one cluster in
// /var/lib/pgsql/data (or /var/lib/pgsql/VER/data for the PGDG packages) with its
// configuration inside it.

export interface PgCluster {
  version: string;
  /** Debian's cluster name ("main"); null elsewhere. */
  name: string | null;
  dataDir: string;
  /** What pg_ctl -D is given: the directory holding postgresql.conf. */
  configDir: string;
  /** Where pg_ctl, pg_dump, pg_restore and pg_controldata are; null when not found. */
  binDir: string | null;
  /** postmaster.pid exists: the server is running, or was not shut down cleanly. */
  pidFile: boolean;
}

export async function findPgClusters(fs: GuestFs): Promise<PgCluster[]> {
  const found: PgCluster[] = [];
  for (const version of await names(fs, '/var/lib/postgresql')) {
    for (const name of await names(fs, `/var/lib/postgresql/${version}`)) {
      const dataDir = `/var/lib/postgresql/${version}/${name}`;
      const confDir = `/etc/postgresql/${version}/${name}`;
      const configDir = (await isFile(fs, `${confDir}/postgresql.conf`)) ? confDir : dataDir;
      const c = await cluster(fs, dataDir, configDir, name, [`/usr/lib/postgresql/${version}/bin`]);
      if (c) found.push(c);
    }
  }
  const rhel = ['/var/lib/pgsql/data', ...(await names(fs, '/var/lib/pgsql')).map((v) => `/var/lib/pgsql/${v}/data`)];
  for (const dataDir of rhel) {
    const c = await cluster(fs, dataDir, dataDir, null, []);
    if (c) found.push(c);
  }
  return found;
}

async function cluster(fs: GuestFs, dataDir: string, configDir: string, name: string | null, binDirs: string[]): Promise<PgCluster | null> {
  const version = await readVersion(fs, `${dataDir}/PG_VERSION`);
  if (!version) return null;
  const candidates = [...binDirs, `/usr/pgsql-${version}/bin`, '/usr/bin'];
  let binDir: string | null = null;
  for (const d of candidates) {
    if (await isFile(fs, `${d}/pg_ctl`)) {
      binDir = d;
      break;
    }
  }
  return { version, name, dataDir, configDir, binDir, pidFile: await fs.exists(`${dataDir}/postmaster.pid`) };
}

async function readVersion(fs: GuestFs, path: string): Promise<string | null> {
  if (!(await isFile(fs, path))) return null;
  const v = (await fs.readFile(path)).toString('utf8').trim();
  return /^\d+(\.\d+)?$/.test(v) ? v : null;
}

async function names(fs: GuestFs, dir: string): Promise<string[]> {
  if (!(await isDir(fs, dir))) return [];
  return (await fs.list(dir)).filter((e) => e.type === 'directory').map((e) => e.name).sort();
}

/** Offline sizes of the databases of a cluster: base/<oid>; their names are in the catalog, which only the server reads. */
export async function pgDatabaseDirs(fs: GuestFs, dataDir: string): Promise<{ oid: string; size: number }[]> {
  const base = `${dataDir}/base`;
  if (!(await isDir(fs, base))) return [];
  const rows: { oid: string; size: number }[] = [];
  for (const e of await fs.list(base)) {
    if (e.type !== 'directory' || !/^\d+$/.test(e.name)) continue;
    rows.push({ oid: e.name, size: await flatSize(fs, `${base}/${e.name}`) });
  }
  return rows.sort((a, b) => Number(a.oid) - Number(b.oid));
}

/** Bytes of the regular files directly in a directory (a database directory has no subdirectories). */
async function flatSize(fs: GuestFs, dir: string): Promise<number> {
  let total = 0;
  for (const e of await fs.list(dir)) if (e.type === 'file') total += (await fs.lstat(`${dir}/${e.name}`)).size;
  return total;
}

/** The cluster --cluster names (VER/NAME or its data directory), or the only one. */
export function pickCluster(clusters: PgCluster[], wanted: string | undefined): PgCluster {
  if (!clusters.length) throw new CliError('not-found', 'the guest has no PostgreSQL cluster (no PG_VERSION under /var/lib/postgresql or /var/lib/pgsql)');
  const label = (c: PgCluster) => (c.name ? `${c.version}/${c.name}` : c.version);
  if (wanted) {
    const c = clusters.find((x) => label(x) === wanted || x.dataDir === wanted);
    if (!c) throw new CliError('not-found', `no PostgreSQL cluster ${wanted}: the guest has ${clusters.map(label).join(', ')}`);
    return c;
  }
  if (clusters.length > 1) throw usageError(`the guest has several PostgreSQL clusters (${clusters.map(label).join(', ')}): choose one with --cluster`);
  return clusters[0]!;
}
