import { resolve } from 'node:path';
import { defineCommand, type CommandContext } from '../../src/shell/command.js';
import type { Output } from '../../src/shell/output.js';
import { escapeForTerminal } from '../../src/shell/escape.js';
import { dryRunOption, DRY_RUN } from '../../src/shell/dry-run.js';
import { CliError, usageError } from '../../src/util/errors.js';
import { firstLine } from '../../src/util/run-tool.js';
import { formatBytes } from '../../src/util/format.js';
import { findPgClusters, pickCluster } from './_shared/postgres.js';
import { findMyDataDir } from './_shared/mariadb.js';
import { sqliteFile } from './_shared/sqlite.js';
import { MY_LIVE, MY_OFFLINE, PG_LIVE, PG_OFFLINE, SQLITE_BACKUP } from './_shared/dump-scripts.js';
import { makeScratchDir } from './_shared/guest-scratch.js';
import { copyOutAtomically } from './_shared/host-file.js';
import { lstatOrNull } from '../../src/guest/stat-or-null.js';

const ENGINES = { postgresql: 'postgresql', postgres: 'postgresql', pg: 'postgresql', mariadb: 'mariadb', mysql: 'mariadb', sqlite: 'sqlite', sqlite3: 'sqlite' } as const;
type Engine = (typeof ENGINES)[keyof typeof ENGINES];
const EXTENSION: Record<Engine, string> = { postgresql: 'dump', mariadb: 'sql', sqlite: 'sqlite' };

const DESCRIPTION = [
  'PostgreSQL: pg_dump -Fc, checked with pg_restore --list. MariaDB/MySQL: mariadb-dump (or mysqldump) --single-transaction --routines --events,',
  "checked for its '-- Dump completed' trailer. On a disk image the guest's own server is started in the jail with no network, on a socket in",
  "the jail's private /run, for one script that dumps and stops it cleanly (PostgreSQL: pg_ctl stop -m fast, and pg_controldata must say",
  '"shut down"); a data directory with a pid file (running, or not shut down cleanly) is refused. On a running guest the dump runs through',
  "the agent as the engine's OS user. SQLite (DATABASE is the file's guest path): the guest's sqlite3 .backup, checked with",
  'PRAGMA integrity_check; without sqlite3, a copy of the file when it is not in WAL use. The dump is written in a private guest directory',
  'under /var/tmp, copied to a new host file (mode 0600) that is linked into place, and removed from the guest.',
].join(' ');

interface Plan {
  engine: Engine;
  database: string;
  to: string;
  how: string;
  /** The script and its arguments; null for a plain copy of a SQLite file. */
  script: { text: string; args: (out: string) => string[] } | null;
}

interface Backup {
  engine: Engine;
  database: string;
  to: string;
  how: string;
  size: number | null;
  check: string | null;
  dryRun: boolean;
}

export const dbBackup = defineCommand({
  name: 'db-backup',
  category: 'database-operations',
  summary: 'Dump a PostgreSQL, MariaDB/MySQL or SQLite database of the guest to a host file, with the guest\'s own tools',
  description: DESCRIPTION,
  examples: ['db-backup sqlite /srv/app/app.db --to app.sqlite', 'db-backup postgresql shop --to shop.dump', 'db-backup mariadb wiki --to wiki.sql', 'db-backup postgresql shop --dry-run'],
  positionals: [
    { name: 'ENGINE', description: 'postgresql, mariadb (or mysql), sqlite', complete: 'none' },
    { name: 'DATABASE', description: 'the database name; for sqlite, the guest path of the file', complete: 'none' },
  ],
  options: {
    to: { type: 'string', valueName: 'HOSTFILE', description: 'the host file to write (default: DATABASE.dump/.sql/.sqlite in the current directory)' },
    force: { type: 'boolean', short: 'f', description: 'replace an existing host file' },
    cluster: { type: 'string', valueName: 'VER/NAME', description: 'the PostgreSQL cluster when the guest has several (as db-list names them)' },
    ...dryRunOption('say how the dump would be made and write nothing'),
  },
  needs: ['fs', 'exec'],
  mutates: true,
  async run(ctx, args) {
    const name = args.str('ENGINE').toLowerCase();
    const engine = (ENGINES as Record<string, Engine>)[name];
    if (!engine) throw usageError(`unknown engine '${name}': postgresql, mariadb (or mysql), sqlite`);
    const database = args.str('DATABASE');
    const base = engine === 'sqlite' ? database.split('/').pop() || 'database' : database;
    const to = resolve(args.optStr('to') ?? `${base.replace(/[^A-Za-z0-9._-]/g, '_')}.${EXTENSION[engine]}`);
    const plan = await planBackup(ctx, engine, engine === 'sqlite' ? ctx.guestPath(database) : database, to, args.optStr('cluster'));
    if (args.flag(DRY_RUN)) return { engine, database: plan.database, to, how: plan.how, size: null, check: null, dryRun: true } satisfies Backup;
    const scratch = await makeScratchDir(ctx.guest.fs);
    try {
      const out = `${scratch}/${base.replace(/[^A-Za-z0-9._-]/g, '_')}.${EXTENSION[engine]}`;
      let check: string | null = null;
      if (plan.script) {
        const r = await ctx.guest.exec(['sh', '-c', plan.script.text, 'sh', ...plan.script.args(out)], { signal: ctx.signal });
        if (r.code !== 0) throw new CliError('failed', `dumping ${engine} database ${plan.database}: ${lastLine(r.stderr) || `exit status ${r.code}`}`);
        check = firstLine(r.stdout) || null;
      } else {
        await ctx.guest.fs.copy(plan.database, out);
        const copied = await sqliteFile(ctx.guest.fs, out);
        if (!copied) throw new CliError('failed', `copying ${plan.database}: the copy does not start with the SQLite header`);
      }
      const size = await copyOutAtomically(ctx.guest, out, to, args.flag('force'), ctx.signal);
      return { engine, database: plan.database, to, how: plan.how, size, check, dryRun: false } satisfies Backup;
    } finally {
      await ctx.guest.fs.remove(scratch, { recursive: true });
    }
  },
  render(r: Backup, out: Output) {
    const db = escapeForTerminal(r.database);
    if (r.dryRun) {
      out.line(`would dump ${r.engine} database ${db} to ${r.to}: ${escapeForTerminal(r.how)}`);
      return;
    }
    out.line(`dumped ${r.engine} database ${db} to ${r.to} (${formatBytes(r.size ?? 0)}): ${escapeForTerminal(r.how)}`);
    if (r.check) out.line(`  ${escapeForTerminal(r.check)}`);
  },
});

async function planBackup(ctx: CommandContext, engine: Engine, database: string, to: string, cluster: string | undefined): Promise<Plan> {
  const live = ctx.guest.kind === 'live';
  if (engine === 'sqlite') return planSqlite(ctx, database, to);
  if (engine === 'postgresql') {
    if (live) return { engine, database, to, how: 'pg_dump -Fc as postgres through the agent', script: { text: PG_LIVE, args: (out) => [database, out] } };
    const c = pickCluster(await findPgClusters(ctx.guest.fs), cluster);
    if (c.pidFile) throw new CliError('failed', `${c.dataDir}/postmaster.pid exists: the server is running or was not shut down cleanly; start the guest and back it up live, or recover the cluster first`);
    if (!c.binDir) throw new CliError('not-found', `no pg_ctl for PostgreSQL ${c.version} in the guest (looked in /usr/lib/postgresql/${c.version}/bin, /usr/pgsql-${c.version}/bin, /usr/bin)`);
    const binDir = c.binDir;
    return {
      engine,
      database,
      to,
      how: `PostgreSQL ${c.version} started offline on ${c.dataDir} with no network, pg_dump -Fc, stopped cleanly`,
      script: { text: PG_OFFLINE, args: (out) => [binDir, c.configDir, c.dataDir, database, out] },
    };
  }
  if (live) return { engine, database, to, how: 'mariadb-dump as root through the agent', script: { text: MY_LIVE, args: (out) => [database, out] } };
  const my = await findMyDataDir(ctx.guest.fs, false);
  if (!my) throw new CliError('not-found', 'the guest has no MariaDB/MySQL data directory (/var/lib/mysql)');
  if (my.running) throw new CliError('failed', `${my.dataDir} has a pid file or socket lock: the server is running or was not shut down cleanly`);
  return {
    engine,
    database,
    to,
    how: `MariaDB/MySQL started offline on ${my.dataDir} with no network, mariadb-dump, shut down`,
    script: { text: MY_OFFLINE, args: (out) => [database, out, my.dataDir] },
  };
}

async function planSqlite(ctx: CommandContext, path: string, to: string): Promise<Plan> {
  // A link to the database is followed inside the guest, as download does.
  const canonical = await ctx.guest.fs.realpath(path);
  const f = await sqliteFile(ctx.guest.fs, canonical);
  if (!f) throw new CliError('failed', `${path} is not a SQLite database (no SQLite header)`);
  const hasSqlite3 = (await ctx.guest.exec(['sh', '-c', 'command -v sqlite3'], { signal: ctx.signal })).code === 0;
  if (hasSqlite3) return { engine: 'sqlite', database: canonical, to, how: "the guest's sqlite3 .backup", script: { text: SQLITE_BACKUP, args: (out) => [canonical, out] } };
  const wal = await lstatOrNull(ctx.guest.fs, `${canonical}-wal`);
  if (f.wal && wal && wal.size > 0) throw new CliError('failed', `${canonical} is in WAL mode with a non-empty ${canonical}-wal and the guest has no sqlite3 to back it up consistently`);
  return { engine: 'sqlite', database: canonical, to, how: 'a copy of the file (no sqlite3 in the guest; the database is not in WAL use)', script: null };
}

function lastLine(text: string): string {
  return text.split('\n').map((l) => l.trim()).filter(Boolean).pop() ?? '';
}
