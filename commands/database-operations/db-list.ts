import { defineCommand } from '../../src/shell/command.js';
import type { Output } from '../../src/shell/output.js';
import { escapeForTerminal } from '../../src/shell/escape.js';
import { formatBytes } from '../../src/util/format.js';
import { findPgClusters, pgDatabaseDirs } from './_shared/postgres.js';
import { findMyDataDir } from './_shared/mariadb.js';
import { scanSqlite, SQLITE_ROOTS, type SqliteFile } from './_shared/sqlite.js';
import { enginePackages, findServerDirs, type Engine } from './_shared/servers.js';
import { liveMyDatabases, livePgDatabases } from './_shared/live-databases.js';

interface DatabaseRow {
  /** null offline for PostgreSQL: names are in the catalog, which only the server reads. */
  name: string | null;
  /** PostgreSQL's directory base/<oid> (offline). */
  oid?: string;
  size: number | null;
}

interface ServerRow {
  engine: Engine;
  label: string | null;
  version: string | null;
  dataDir: string | null;
  config: string | null;
  /** A pid file in the data directory: running, or not shut down cleanly. null: not known. */
  running: boolean | null;
  packages: string[];
  databases: DatabaseRow[] | null;
  note: string | null;
}

interface DbList {
  servers: ServerRow[];
  sqlite: SqliteFile[];
  /** The installed packages that give a sqlite3 program. */
  sqlitePackages: string[];
  sqliteSearched: string[];
  sqliteTruncated: boolean;
}

export const dbList = defineCommand({
  name: 'db-list',
  category: 'database-operations',
  summary: 'List the database servers of the guest (PostgreSQL, MariaDB/MySQL, MongoDB, Redis), SQLite files, and their databases',
  description:
    'Found from the data directories and configuration the packages install, and the package database. Offline, the databases of a ' +
    'PostgreSQL cluster are its base/<oid> directories with their sizes (the names are in the catalog, which only the server reads: ' +
    'db-backup starts it), and those of MariaDB/MySQL its data subdirectories. On a running guest the names and sizes come from the ' +
    "engine itself (psql as postgres, mysql as root). SQLite files are looked for under /var/lib, /srv, /opt, /home and /root (files " +
    'starting with the SQLite header; a bounded walk that says when it stopped early).',
  examples: ['db-list'],
  needs: ['fs'],
  async run(ctx) {
    const guest = ctx.guest;
    const live = guest.kind === 'live';
    const { byEngine, note } = await enginePackages(guest, ctx.signal);
    if (note) ctx.out.note(note);
    const servers: ServerRow[] = [];
    const liveRows = async (ask: () => Promise<{ name: string; size: number }[]>): Promise<{ rows: DatabaseRow[] | null; note: string | null }> => {
      if (!live || !guest.capabilities.has('exec')) return { rows: null, note: null };
      try {
        return { rows: await ask(), note: null };
      } catch (err) {
        return { rows: null, note: `databases not listed: ${(err as Error).message}` };
      }
    };
    for (const c of await findPgClusters(guest.fs)) {
      const asked = await liveRows(() => livePgDatabases(guest, ctx.signal));
      const rows = asked.rows ?? (live ? null : (await pgDatabaseDirs(guest.fs, c.dataDir)).map((d) => ({ name: null, oid: d.oid, size: d.size })));
      servers.push({
        engine: 'postgresql',
        label: c.name ? `${c.version}/${c.name}` : c.version,
        version: c.version,
        dataDir: c.dataDir,
        config: c.configDir,
        running: c.pidFile,
        packages: byEngine.postgresql,
        databases: rows,
        note: asked.note ?? (live ? null : 'offline: database names need the server (db-backup starts it); shown by oid'),
      });
    }
    const my = await findMyDataDir(guest.fs, !live);
    if (my) {
      const asked = await liveRows(() => liveMyDatabases(guest, ctx.signal));
      servers.push({
        engine: 'mariadb',
        label: null,
        version: my.version,
        dataDir: my.dataDir,
        config: my.configDir,
        running: my.running,
        packages: byEngine.mariadb,
        databases: asked.rows ?? (live ? null : my.databases),
        note: asked.note,
      });
    }
    for (const engine of ['mongodb', 'redis'] as const) {
      const dirs = await findServerDirs(guest, engine);
      if (dirs || byEngine[engine].length) {
        servers.push({ engine, label: null, version: null, dataDir: dirs?.dataDir ?? null, config: dirs?.config ?? null, running: null, packages: byEngine[engine], databases: null, note: null });
      }
    }
    for (const engine of ['postgresql', 'mariadb'] as const) {
      if (byEngine[engine].length && !servers.some((s) => s.engine === engine)) {
        servers.push({ engine, label: null, version: null, dataDir: null, config: null, running: null, packages: byEngine[engine], databases: null, note: 'installed, but no data directory found' });
      }
    }
    const scan = await scanSqlite(guest.fs);
    if (scan.truncated) ctx.out.note(`the SQLite search stopped at its entry limit: files further on were not looked at`);
    return { servers, sqlite: scan.files, sqlitePackages: byEngine.sqlite, sqliteSearched: SQLITE_ROOTS, sqliteTruncated: scan.truncated } satisfies DbList;
  },
  render(r: DbList, out: Output) {
    const e = escapeForTerminal;
    if (!r.servers.length) out.line('no database servers found');
    for (const s of r.servers) {
      const state = s.running === null ? '' : s.running ? ', running or not shut down cleanly' : ', stopped';
      out.line(`${s.engine}${s.label ? ` ${e(s.label)}` : ''}${s.version ? ` (version ${e(s.version)})` : ''}${state}`);
      if (s.dataDir) out.line(`  data:     ${e(s.dataDir)}`);
      if (s.config) out.line(`  config:   ${e(s.config)}`);
      if (s.packages.length) out.line(`  packages: ${e(s.packages.join(', '))}`);
      for (const d of s.databases ?? []) out.line(`  ${d.name !== null ? e(d.name) : `oid ${d.oid}`}  ${d.size === null ? '?' : formatBytes(d.size)}`);
      if (s.note) out.line(`  (${e(s.note)})`);
    }
    if (r.sqlite.length) out.line(`sqlite files${r.sqlitePackages.length ? ` (${e(r.sqlitePackages.join(', '))})` : ''}:`);
    for (const f of r.sqlite) out.line(`  ${e(f.path)}  ${formatBytes(f.size)}${f.wal ? '  (WAL mode)' : ''}`);
    if (!r.sqlite.length) out.line(`no SQLite files under ${r.sqliteSearched.join(', ')}`);
  },
});
