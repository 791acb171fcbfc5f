import { statSync } from 'node:fs';
import type { Output } from '../src/shell/output.js';
import type { CommandContext } from '../src/shell/command.js';
import type { ExecResult } from '../src/guest/types.js';
import { defineCommand } from '../src/shell/command.js';
import { DRY_RUN } from '../src/shell/dry-run.js';
import { distroFamily } from '../src/inspect/distro-family.js';
import { isDir, isFile } from '../src/guest/stat-or-null.js';
import { readOptional } from '../src/guest/file-changes.js';
import { installedPackages } from '../src/packages/installed.js';
import { CliError } from '../src/util/errors.js';
import { hbaRemoteRules, missingHbaRules, myListenSnippet, pgIncludeDir, pgSetting, pgSettingLine } from '../src/editors/postgresql-conf.js';
import { Asker, wizardOptions } from './_shared/ask.js';
import { firewallPlan } from './_shared/firewall.js';
import { renderWizard, runPlan, writeContentArg, type Plan, type WizardCheck, type WizardResult, type WizardStep } from './_shared/runner.js';
import {
  dbNameProblem,
  debianPgMajor,
  myLayout,
  MY_LIST_OFFLINE,
  MY_LISTEN_SNIPPET,
  pgLayout,
  PG_LIST_OFFLINE,
  PG_LISTEN_SNIPPET,
  type DbEngine,
  type DbFamily,
} from './_shared/database-layout.js';

const ENGINES = ['postgresql', 'mariadb'] as const;
const LISTEN = ['local', 'all'] as const;
const PORT: Record<DbEngine, string> = { postgresql: '5432/tcp', mariadb: '3306/tcp' };

export const setupDatabase = defineCommand({
  name: 'setup-database',
  category: 'setup-wizards',
  summary: 'Install PostgreSQL or MariaDB with one database and its owner (password from a host file, local or network access, firewall)',
  description:
    'Builds a plan of guestctl commands (install the server, write its listen configuration with --listen all, enable the service, ' +
    'db-create the database and its owner, firewall-add the port with --listen all when a firewall is enabled), shows it, and runs ' +
    "it step by step. On a terminal every choice not given as a flag is asked; in a script or with --yes the flags and defaults are taken. " +
    'A failed step stops the wizard and its steps are undone. The database and its owner are made by the guest\'s own server, started ' +
    'in the jail on a private socket with no network (db-create). Success only after systemctl is-enabled and the database listed by ' +
    "the guest's own psql/mariadb. Debian/Ubuntu and RHEL/Fedora families; see the README for what goes where.",
  examples: ['setup-database --engine postgresql --database shop --user shopper --password-file ./shop.pw --yes', 'setup-database --engine mariadb --database wiki --listen all --dry-run'],
  options: {
    engine: { type: 'string', valueName: 'postgresql|mariadb', description: 'the server (default: the one installed, else postgresql)' },
    database: { type: 'string', valueName: 'NAME', description: 'the database to create (default app)' },
    user: { type: 'string', valueName: 'USER', description: 'its owner, a login role / user (default: the database name)' },
    'password-file': { type: 'string', valueName: 'HOSTFILE', hostPath: true, secret: true, description: "host file whose first line is the owner's password (default: none; local login as the OS user only)" },
    listen: { type: 'string', valueName: 'local|all', description: 'local: the server listens on localhost only (default); all: on every address, with password logins from anywhere' },
    ...wizardOptions(),
  },
  needs: ['fs', 'exec'],
  os: ['linux'],
  mutates: true,
  // Each step is a command the executor journals on its own; `undo N` reverts them.
  journal: false,
  async run(ctx, args) {
    const ask = new Asker(ctx, args.flag('yes'));
    const family = await dbFamily(ctx);
    const installed = await installedEngines(ctx);
    const defEngine: DbEngine = installed.mariadb && !installed.postgresql ? 'mariadb' : 'postgresql';
    const engine = await ask.choose('engine', args.optStr('engine'), 'Database server', ENGINES, defEngine);
    const database = await ask.text('database', args.optStr('database'), 'Database name', 'app', dbNameProblem);
    const user = await ask.text('user', args.optStr('user'), 'Owner (login user)', database, dbNameProblem);
    const passwordFile = await ask.text('password-file', args.optStr('password-file'), "Host file with the owner's password (empty: none)", '', hostFileProblem);
    const listen = await ask.choose('listen', args.optStr('listen'), 'Listen on', LISTEN, 'local');
    const plan = await databasePlan(ctx, { family, engine, database, user, passwordFile: passwordFile || null, listen, installed: installed[engine] });
    return runPlan(ctx, plan, { yes: args.flag('yes'), dryRun: args.flag(DRY_RUN) });
  },
  render(r: WizardResult, out: Output) {
    renderWizard(r, out);
  },
});

function hostFileProblem(v: string): string | undefined {
  if (v === '') return undefined;
  try {
    const st = statSync(v);
    return st.isFile() || st.isFIFO() ? undefined : 'not a regular file or a pipe';
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (err as Error).message;
  }
}

async function dbFamily(ctx: CommandContext): Promise<DbFamily> {
  const family = await distroFamily(ctx.guest);
  if (family === 'debian' || family === 'rhel') return family;
  throw new CliError('unsupported', `setup-database knows the Debian/Ubuntu and RHEL/Fedora layouts; this guest is ${ctx.guest.os.distro ?? 'an unknown distribution'} (${family})`);
}

async function installedEngines(ctx: CommandContext): Promise<Record<DbEngine, boolean>> {
  const list = await installedPackages(ctx.guest, ctx.signal);
  const names = new Set(list.packages.map((p) => p.name));
  return {
    postgresql: [...names].some((n) => /^postgresql(-\d+|\d+-server|-server)$/.test(n)),
    mariadb: [...names].some((n) => /^(mariadb-server|mysql-server|mariadb-server-core)(-[\d.]+)?$/.test(n)),
  };
}

export interface DbChoices {
  family: DbFamily;
  engine: DbEngine;
  database: string;
  user: string;
  passwordFile: string | null;
  listen: (typeof LISTEN)[number];
  /** The engine's server package is installed already: no install step. */
  installed: boolean;
}

/** The plan for the choices; nothing changes here. */
export async function databasePlan(ctx: CommandContext, c: DbChoices): Promise<Plan> {
  const fs = ctx.guest.fs;
  const live = ctx.guest.kind === 'live';
  const notes: string[] = [];
  const steps: WizardStep[] = [];
  const checks: WizardCheck[] = [];
  const afterInstall = 'the server is installed by the install step';
  const isEnabled = (service: string): WizardCheck => ({
    title: `systemctl is-enabled ${service}`,
    argv: ['systemctl', 'is-enabled', service],
    expect: (r: ExecResult) => (r.stdout.trim() === 'enabled' ? undefined : `says ${r.stdout.trim()}`),
  });

  if (c.engine === 'postgresql') {
    const major = c.family === 'debian' ? await pgMajor(ctx, c.installed) : null;
    const layout = pgLayout(c.family, major);
    if (c.installed) notes.push(`${c.engine} is installed already: no install step`);
    else steps.push({ title: `install ${layout.packages.join(', ')}`, argv: ['install', ...layout.packages] });
    if (layout.initdb && !(await isFile(fs, `${layout.dataDir}/PG_VERSION`))) {
      steps.push({
        title: 'make the cluster (initdb, as postgresql-setup --initdb does)',
        argv: ['run', 'runuser', '-u', 'postgres', '--', `${layout.binDir}/initdb`, '-D', layout.dataDir, '--auth-local=peer', '--auth-host=scram-sha-256'],
        noDryRun: `would run the guest's initdb as postgres to make the cluster in ${layout.dataDir}`,
      });
    }
    const confPath = `${layout.configDir}/postgresql.conf`;
    const hbaPath = `${layout.configDir}/pg_hba.conf`;
    const conf = await readOptional(ctx.guest, confPath);
    if (c.listen === 'all') {
      // Debian's template includes conf.d at its end; elsewhere the setting is appended (the last one wins).
      const confD = conf === null ? c.family === 'debian' : pgIncludeDir(conf) === 'conf.d';
      const line = pgSettingLine('listen_addresses', '*') + '\n';
      if (conf !== null && pgSetting(conf, 'listen_addresses')?.value === '*') notes.push(`${confPath} has listen_addresses = '*' already`);
      else if (confD) steps.push({ title: "listen on every address (listen_addresses = '*')", argv: ['write', `${layout.configDir}/${PG_LISTEN_SNIPPET}`, writeContentArg(line)], afterEarlier: afterInstall });
      else steps.push({ title: "listen on every address (listen_addresses = '*', appended: the last setting wins)", argv: ['write', '--append', confPath, writeContentArg(line)], afterEarlier: afterInstall });
      const hba = await readOptional(ctx.guest, hbaPath);
      const rules = missingHbaRules(hba ?? '', hbaRemoteRules());
      if (rules.length > 0) {
        steps.push({
          title: 'allow password logins (scram-sha-256) from any address in pg_hba.conf',
          argv: ['write', '--append', hbaPath, writeContentArg(`# Added by guestctl setup-database --listen all\n${rules.join('\n')}\n`)],
          afterEarlier: afterInstall,
        });
      }
      if (c.passwordFile === null) notes.push('--listen all without --password-file: the owner has no password, so it cannot log in over the network');
    } else if (conf !== null) {
      const cur = pgSetting(conf, 'listen_addresses')?.value;
      if (cur !== undefined && cur !== 'localhost' && cur !== '127.0.0.1') notes.push(`${confPath} sets listen_addresses = '${cur}': left as it is`);
    }
    steps.push({ title: `enable ${layout.service} at boot`, argv: ['enable', layout.service], afterEarlier: afterInstall });
    if (live) steps.push({ title: 'restart the server with its configuration', argv: ['restart', layout.service] });
    steps.push(createStep(c, afterInstall));
    checks.push(isEnabled(layout.service));
    checks.push({
      title: `psql lists database ${c.database} owned by ${c.user}`,
      argv: live
        ? ['runuser', '-u', 'postgres', '--', 'psql', '-AtX', '-c', `SELECT datname, pg_get_userbyid(datdba) FROM pg_database WHERE datname = '${c.database}'`]
        : ['sh', '-c', PG_LIST_OFFLINE, 'sh', layout.binDir, layout.configDir, c.database],
      expect: (r) => (r.stdout.trim().split('\n').includes(`${c.database}|${c.user}`) ? undefined : `lists ${JSON.stringify(r.stdout.trim())}, not ${c.database}|${c.user}`),
    });
  } else {
    const layout = myLayout(c.family);
    if (c.installed) notes.push(`${c.engine} is installed already: no install step`);
    else steps.push({ title: `install ${layout.packages.join(', ')}`, argv: ['install', ...layout.packages] });
    if (layout.installDb && !(await isDir(fs, '/var/lib/mysql/mysql'))) {
      steps.push({ title: 'make the data directory (mariadb-install-db, as the service does at its first start)', argv: ['run', 'mariadb-install-db', '--user=mysql', '--datadir=/var/lib/mysql'], noDryRun: "would run the guest's mariadb-install-db to make /var/lib/mysql" });
    }
    // Written for both choices: the families' defaults differ (Debian binds 127.0.0.1, RHEL every address).
    const bind = c.listen === 'all' ? '0.0.0.0' : '127.0.0.1';
    steps.push({ title: `listen on ${bind} (bind-address)`, argv: ['write', `${layout.snippetDir}/${MY_LISTEN_SNIPPET}`, writeContentArg(myListenSnippet(bind))], afterEarlier: afterInstall });
    steps.push({ title: `enable ${layout.service} at boot`, argv: ['enable', layout.service], afterEarlier: afterInstall });
    if (live) steps.push({ title: 'restart the server with its configuration', argv: ['restart', layout.service] });
    steps.push(createStep(c, afterInstall));
    checks.push(isEnabled(layout.service));
    const accounts = c.listen === 'all' ? `${c.user}@%,${c.user}@localhost` : `${c.user}@localhost`;
    checks.push({
      title: `mariadb lists database ${c.database} with privileges for ${accounts}`,
      argv: live
        ? ['mariadb', '--batch', '--skip-column-names', '-e', `SELECT CONCAT(s.SCHEMA_NAME, '|', COALESCE((SELECT GROUP_CONCAT(CONCAT(User, '@', Host) ORDER BY Host) FROM mysql.db WHERE Db = s.SCHEMA_NAME), '')) FROM information_schema.SCHEMATA s WHERE s.SCHEMA_NAME = '${c.database}'`]
        : ['sh', '-c', MY_LIST_OFFLINE, 'sh', c.database],
      expect: (r) => (r.stdout.trim().split('\n').includes(`${c.database}|${accounts}`) ? undefined : `lists ${JSON.stringify(r.stdout.trim())}, not ${c.database}|${accounts}`),
    });
  }

  if (c.listen === 'all') {
    // Opened only when a firewall is enabled; the wizard does not install one.
    const fw = await firewallPlan(ctx, c.family, undefined, [PORT[c.engine]]);
    steps.push(...fw.steps);
    notes.push(...fw.notes);
  }
  return {
    wizard: 'setup-database',
    choices: { family: c.family, engine: c.engine, database: c.database, user: c.user, password: c.passwordFile === null ? 'none' : 'from file', listen: c.listen },
    steps,
    checks,
    notes,
  };
}

function createStep(c: DbChoices, afterInstall: string): WizardStep {
  const argv = ['db-create', c.database, '--engine', c.engine, '--owner', c.user];
  if (c.passwordFile !== null) argv.push('--password-file', c.passwordFile);
  if (c.engine === 'mariadb' && c.listen === 'all') argv.push('--remote');
  return { title: `create database ${c.database} owned by ${c.user}`, argv, afterEarlier: afterInstall };
}

/** The installed cluster's version (Debian), else the one the release's postgresql package brings. */
async function pgMajor(ctx: CommandContext, installed: boolean): Promise<string> {
  const fs = ctx.guest.fs;
  if (installed && (await isDir(fs, '/var/lib/postgresql'))) {
    const versions = (await fs.list('/var/lib/postgresql')).filter((e) => e.type === 'directory' && /^\d+$/.test(e.name)).map((e) => e.name);
    const withMain = [];
    for (const v of versions) if (await isFile(fs, `/var/lib/postgresql/${v}/main/PG_VERSION`)) withMain.push(v);
    if (withMain.length === 1) return withMain[0]!;
    if (withMain.length > 1) throw new CliError('usage', `the guest has several PostgreSQL clusters (${withMain.join(', ')}): use db-create --cluster for the database`);
  }
  const major = debianPgMajor(ctx.guest.os.distro, ctx.guest.os.version);
  if (!major) throw new CliError('unsupported', `setup-database does not know which PostgreSQL ${ctx.guest.os.distro ?? '?'} ${ctx.guest.os.version ?? '?'} installs: install postgresql first, then run it again`);
  return major;
}
