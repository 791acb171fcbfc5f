import { defineCommand, type CommandContext } from '../../src/shell/command.js';
import type { Output } from '../../src/shell/output.js';
import { escapeForTerminal } from '../../src/shell/escape.js';
import { dryRunOption, DRY_RUN } from '../../src/shell/dry-run.js';
import { CliError, usageError } from '../../src/util/errors.js';
import { passwordFromFile } from '../../src/users/password.js';
import { findPgClusters, pickCluster } from './_shared/postgres.js';
import { findMyDataDir } from './_shared/mariadb.js';
import { checkName, mariadbSql, mysqlNativeHash, postgresSql, RESULT_MARK, scramVerifier, type CreateRequest, type DbEngine } from './_shared/create-sql.js';
import { MY_CREATE_LIVE, MY_CREATE_OFFLINE, PG_CREATE_LIVE, PG_CREATE_OFFLINE } from './_shared/create-scripts.js';
import { enginePackages } from './_shared/servers.js';

const ENGINES: Record<string, DbEngine> = { postgresql: 'postgresql', postgres: 'postgresql', pg: 'postgresql', mariadb: 'mariadb', mysql: 'mariadb' };
const PG_TREES = ['/var/lib/postgresql', '/var/lib/pgsql'];
const MY_TREES = ['/var/lib/mysql'];

const DESCRIPTION = [
  'Creates a database, owned by --owner (PostgreSQL: a LOGIN role; MariaDB: a user with all privileges on it, at localhost, and at % too with --remote),',
  'made when it does not exist. With --password-file the owner gets that password (the first line of the host file) — guestctl sends the server only its',
  "verifier (PostgreSQL SCRAM-SHA-256, MariaDB mysql_native_password), through the client's stdin: the password is in no argument, environment,",
  'statement, log or history. Without it, a new PostgreSQL role has no password (peer/ident login as the OS user of that name, as pg_hba.conf says)',
  'and a new MariaDB user logs in via unix_socket. An existing database is an error (as createdb and CREATE DATABASE); so is an existing owner given',
  "a password, whose password is not changed. On a disk image the guest's own server is started in the jail with no network, on a socket in the",
  'private /run, and stopped cleanly (PostgreSQL: pg_controldata must say "shut down"; a data directory with a pid file is refused); the data',
  'directory is journaled, so undo restores it. On a running guest the client runs through the agent as postgres / root.',
].join(' ');

interface Created {
  engine: DbEngine;
  database: string;
  owner: string | null;
  /** The owner's accounts (MariaDB user@host; PostgreSQL the role). */
  accounts: string[];
  password: 'set' | 'none';
  how: string;
  /** What the server's catalog said afterwards, and pg_controldata's state offline. */
  check: string | null;
  dryRun: boolean;
}

export const dbCreate = defineCommand({
  name: 'db-create',
  category: 'database-operations',
  summary: "Create a PostgreSQL or MariaDB database and its owner, with the guest's own server",
  description: DESCRIPTION,
  examples: ['db-create shop --owner shopper --password-file ./shop.pw', 'db-create wiki --engine mariadb --owner wiki --remote', 'db-create shop --dry-run'],
  positionals: [{ name: 'NAME', description: 'the database (letters, digits and _)', complete: 'none' }],
  options: {
    engine: { type: 'string', valueName: 'ENGINE', description: 'postgresql or mariadb (default: the one the guest has)' },
    owner: { type: 'string', valueName: 'USER', description: 'the owner: a PostgreSQL role / MariaDB user, created when missing' },
    'password-file': { type: 'string', valueName: 'HOSTFILE', hostPath: true, secret: true, description: "host file whose first line is the owner's password" },
    remote: { type: 'boolean', description: "MariaDB: the owner may also log in over the network ('USER'@'%')" },
    cluster: { type: 'string', valueName: 'VER/NAME', description: 'the PostgreSQL cluster when the guest has several (as db-list names them)' },
    ...dryRunOption('say what would be created and change nothing'),
  },
  needs: ['fs', 'exec'],
  mutates: true,
  // The server's programs change its data directory: snapshotted, so undo restores it.
  journal: {
    trees: (args) => {
      const e = ENGINES[(args.optStr('engine') ?? '').toLowerCase()];
      return e === 'postgresql' ? PG_TREES : e === 'mariadb' ? MY_TREES : [...PG_TREES, ...MY_TREES];
    },
  },
  async run(ctx, args) {
    const engine = await pickEngine(ctx, args.optStr('engine'));
    const database = checkName(engine, 'database', args.str('NAME'));
    const owner = args.optStr('owner') ?? null;
    if (owner !== null) checkName(engine, 'user', owner);
    const pwFile = args.optStr('password-file');
    if (pwFile !== undefined && owner === null) throw usageError('--password-file needs --owner: the password is the owner\'s');
    const remote = args.flag('remote');
    if (remote && engine !== 'mariadb') throw usageError('--remote is for MariaDB; PostgreSQL network logins are allowed by pg_hba.conf (setup-database --listen all)');
    if (remote && owner === null) throw usageError('--remote needs --owner');
    const live = ctx.guest.kind === 'live';

    const where = await locate(ctx, engine, args.optStr('cluster'));
    const accounts = owner === null ? [] : engine === 'mariadb' ? (remote ? [`${owner}@localhost`, `${owner}@%`] : [`${owner}@localhost`]) : [owner];
    const base = { engine, database, owner, accounts, how: where.how, check: null };
    if (args.flag(DRY_RUN)) return { ...base, password: pwFile !== undefined ? 'set' : 'none', dryRun: true } satisfies Created;

    let verifier: string | null = null;
    if (pwFile !== undefined) {
      const pw = await passwordFromFile(pwFile, ctx.signal);
      try {
        verifier = engine === 'postgresql' ? scramVerifier(pw) : mysqlNativeHash(pw);
      } finally {
        pw.fill(0);
      }
    }
    const req: CreateRequest = { database, owner, verifier, remote };
    const sql = engine === 'postgresql' ? postgresSql(req) : mariadbSql(req, !live);
    const r = await ctx.guest.exec(['sh', '-c', where.script, 'sh', ...where.args], { stdin: sql, signal: ctx.signal });
    if (r.code !== 0) throw new CliError('failed', `creating ${engine} database ${database}: ${sqlError(r.stderr) || `exit status ${r.code}`}`);
    const rows = r.stdout.split('\n').map((l) => l.trim()).filter(Boolean);
    const result = rows.find((l) => l.startsWith(`${RESULT_MARK}|`) || l.startsWith(`${RESULT_MARK}\t`));
    if (!result) throw new CliError('failed', `creating ${engine} database ${database}: the server does not list it afterwards`);
    const fields = result.split(/[|\t]/);
    if (fields[1] !== database) throw new CliError('failed', `creating ${engine} database ${database}: the server lists '${fields[1]}'`);
    if (owner !== null && engine === 'postgresql' && fields[2] !== owner) throw new CliError('failed', `creating database ${database}: its owner is '${fields[2]}', not ${owner}`);
    if (owner !== null && engine === 'mariadb' && (fields[2] ?? '').split(',').sort().join(',') !== [...accounts].sort().join(',')) {
      throw new CliError('failed', `creating database ${database}: the privileges on it are held by '${fields[2] ?? ''}', not ${accounts.join(', ')}`);
    }
    if (verifier && engine === 'postgresql' && fields[3] !== 't') throw new CliError('failed', `creating role ${owner}: pg_authid holds no SCRAM-SHA-256 verifier for it`);
    const state = rows.find((l) => l.startsWith('Database cluster state:') || l === 'server shut down');
    const check = [engine === 'postgresql' ? `pg_database: ${database} owned by ${fields[2]}` : `${database}: privileges for ${fields[2] || '(nobody)'}`, ...(state ? [state] : [])].join('; ');
    return { ...base, password: verifier ? 'set' : 'none', check, dryRun: false } satisfies Created;
  },
  render(r: Created, out: Output) {
    const db = escapeForTerminal(r.database);
    const owner = r.owner ? ` owned by ${escapeForTerminal(r.accounts.join(', '))} (password ${r.password === 'set' ? 'set' : 'not set'})` : '';
    if (r.dryRun) {
      out.line(`would create ${r.engine} database ${db}${owner}: ${escapeForTerminal(r.how)}`);
      return;
    }
    out.line(`created ${r.engine} database ${db}${owner}: ${escapeForTerminal(r.how)}`);
    if (r.check) out.line(`  ${escapeForTerminal(r.check)}`);
  },
});

async function pickEngine(ctx: CommandContext, given: string | undefined): Promise<DbEngine> {
  if (given !== undefined) {
    const e = ENGINES[given.toLowerCase()];
    if (!e) throw usageError(`unknown engine '${given}': postgresql or mariadb (or mysql)`);
    return e;
  }
  const { byEngine, note } = await enginePackages(ctx.guest, ctx.signal);
  if (note) throw new CliError('failed', `choosing the engine: ${note}; give --engine`);
  const have = (['postgresql', 'mariadb'] as const).filter((e) => byEngine[e].length > 0);
  if (have.length === 0) throw new CliError('not-found', 'the guest has neither PostgreSQL nor MariaDB/MySQL installed (install postgresql or mariadb-server, or run setup-database)');
  if (have.length > 1) throw usageError('the guest has both PostgreSQL and MariaDB/MySQL: choose one with --engine');
  return have[0]!;
}

async function locate(ctx: CommandContext, engine: DbEngine, cluster: string | undefined): Promise<{ how: string; script: string; args: string[] }> {
  const live = ctx.guest.kind === 'live';
  if (engine === 'postgresql') {
    if (live) return { how: 'psql as postgres through the agent', script: PG_CREATE_LIVE, args: [] };
    const c = pickCluster(await findPgClusters(ctx.guest.fs), cluster);
    if (c.pidFile) throw new CliError('failed', `${c.dataDir}/postmaster.pid exists: the server is running or was not shut down cleanly; start the guest and run db-create there, or recover the cluster first`);
    if (!c.binDir) throw new CliError('not-found', `no pg_ctl for PostgreSQL ${c.version} in the guest (looked in /usr/lib/postgresql/${c.version}/bin, /usr/pgsql-${c.version}/bin, /usr/bin)`);
    return { how: `PostgreSQL ${c.version} started offline on ${c.dataDir} with no network, psql, stopped cleanly`, script: PG_CREATE_OFFLINE, args: [c.binDir, c.configDir, c.dataDir] };
  }
  if (cluster !== undefined) throw usageError('--cluster is for PostgreSQL');
  if (live) return { how: 'mariadb as root through the agent', script: MY_CREATE_LIVE, args: [] };
  const my = await findMyDataDir(ctx.guest.fs, false);
  if (!my) throw new CliError('not-found', 'the guest has no MariaDB/MySQL data directory (/var/lib/mysql)');
  if (my.running) throw new CliError('failed', `${my.dataDir} has a pid file or socket lock: the server is running or was not shut down cleanly`);
  return { how: `MariaDB started offline on ${my.dataDir} with no network, mariadb, shut down`, script: MY_CREATE_OFFLINE, args: [my.dataDir] };
}

/** The server's error line (psql "ERROR: ...", mariadb "ERROR 1007 ... at line N: ..."), else the last line. */
function sqlError(stderr: string): string {
  const lines = stderr.split('\n').map((l) => l.trim()).filter(Boolean);
  return lines.find((l) => /^(psql:.*)?ERROR\b/.test(l) || /ERROR:/.test(l))?.replace(/^psql:<stdin>:\d+: /, '') ?? lines.pop() ?? '';
}
