import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { fakeGuest, type FileSpec } from '../helpers/fake-guest.js';
import { runCommand } from '../helpers/run-command.js';
import { scriptedPrompter } from '../helpers/scripted-prompter.js';
import type { CommandContext } from '../../src/shell/command.js';
import { databasePlan, setupDatabase, type DbChoices } from '../../wizards/setup-database.js';
import { commandLine } from '../../wizards/_shared/runner.js';
import { dbNameProblem, debianPgMajor } from '../../wizards/_shared/database-layout.js';

// setup-database's plan on fake guests: the exact guestctl command lines per engine, family and
// --listen, and the questions asked on a terminal. test/e2e/setup-database.test.ts runs it for real.

const host = mkdtempSync(join(tmpdir(), 'guestctl-setupdb-unit-'));
afterAll(() => rmSync(host, { recursive: true, force: true }));
const pw = join(host, 'pw');
writeFileSync(pw, 'secret\n');

const unitList = (enabled: string[]) => ({
  stdout: ['nftables.service', 'ufw.service', 'firewalld.service', 'ssh.service'].map((u) => `${u} ${enabled.includes(u) ? 'enabled' : 'disabled'} enabled`).join('\n'),
});

const debian = (extra: Record<string, FileSpec> = {}, firewall = false) =>
  fakeGuest({
    files: { '/etc/debian_version': '12.8\n', '/var/lib/dpkg/status': 'Package: bash\nStatus: install ok installed\nVersion: 5.2\nArchitecture: amd64\n', ...extra },
    os: { distro: 'debian', version: '12', packageFormat: 'deb' },
    exec: { systemctl: () => unitList(firewall ? ['nftables.service'] : []) },
  });

const ctxOf = (guest: ReturnType<typeof fakeGuest>): CommandContext => ({ guest, signal: new AbortController().signal }) as unknown as CommandContext;

const choices = (c: Partial<DbChoices>): DbChoices => ({ family: 'debian', engine: 'postgresql', database: 'shop', user: 'shopper', passwordFile: pw, listen: 'local', installed: false, ...c });

describe('setup-database plan', () => {
  it('PostgreSQL on Debian 12, local: install, enable, db-create', async () => {
    const plan = await databasePlan(ctxOf(debian()), choices({}));
    expect(plan.steps.map((s) => commandLine(s.argv))).toEqual(['install postgresql', 'enable postgresql', `db-create shop --engine postgresql --owner shopper --password-file ${pw}`]);
    expect(plan.checks.map((c) => c.title)).toEqual(['systemctl is-enabled postgresql', 'psql lists database shop owned by shopper']);
  });

  it('PostgreSQL --listen all: conf.d snippet, pg_hba rules, firewall when one is enabled', async () => {
    const plan = await databasePlan(ctxOf(debian({}, true)), choices({ listen: 'all' }));
    const lines = plan.steps.map((s) => commandLine(s.argv));
    expect(lines[1]).toBe(`write /etc/postgresql/15/main/conf.d/60-guestctl-listen.conf 'listen_addresses = '\\''*'\\''\\n'`);
    expect(lines[2]).toMatch(/^write --append \/etc\/postgresql\/15\/main\/pg_hba.conf '# Added by guestctl.*0\.0\.0\.0\/0 +scram-sha-256\\nhost +all +all +::\/0 +scram-sha-256\\n'$/);
    expect(lines.at(-1)).toBe('firewall-add 5432/tcp');
    const noFw = await databasePlan(ctxOf(debian()), choices({ listen: 'all' }));
    expect(noFw.steps.map((s) => s.argv[0])).not.toContain('firewall-add');
    expect(noFw.notes.join()).toContain('no firewall is enabled in the guest: nothing to open for 5432/tcp');
  });

  it('an installed cluster: its version, no install step, rules already there are not added again', async () => {
    const guest = debian({
      '/var/lib/postgresql/16/main/PG_VERSION': '16\n',
      '/etc/postgresql/16/main/postgresql.conf': "include_dir = 'conf.d'\n",
      '/etc/postgresql/16/main/pg_hba.conf': 'host all all 0.0.0.0/0 scram-sha-256\nhost all all ::/0 scram-sha-256\n',
    });
    const plan = await databasePlan(ctxOf(guest), choices({ listen: 'all', installed: true }));
    expect(plan.steps.map((s) => s.argv.slice(0, 2).join(' '))).toEqual(['write /etc/postgresql/16/main/conf.d/60-guestctl-listen.conf', 'enable postgresql', 'db-create shop']);
    expect(plan.notes).toContain('postgresql is installed already: no install step');
  });

  it('MariaDB --listen all: the bind-address snippet and a user at % too', async () => {
    const plan = await databasePlan(ctxOf(debian({}, true)), choices({ engine: 'mariadb', listen: 'all', user: 'wiki', database: 'wiki' }));
    expect(plan.steps.map((s) => commandLine(s.argv))).toEqual([
      'install mariadb-server',
      "write /etc/mysql/mariadb.conf.d/zz-guestctl-listen.cnf '# Written by guestctl setup-database: the address the server listens on.\\n[mysqld]\\nbind-address = 0.0.0.0\\n'",
      'enable mariadb',
      `db-create wiki --engine mariadb --owner wiki --password-file ${pw} --remote`,
      'firewall-add 3306/tcp',
    ]);
  });

  it('RHEL: postgresql-server, initdb before the configuration, no firewall without --listen all', async () => {
    const guest = fakeGuest({ files: { '/etc/redhat-release': 'Rocky Linux release 9.4\n' }, os: { distro: 'rocky', version: '9.4', packageFormat: 'rpm' }, exec: { systemctl: () => unitList(['firewalld.service']) } });
    const plan = await databasePlan(ctxOf(guest), choices({ family: 'rhel', listen: 'all' }));
    expect(plan.steps.map((s) => s.argv.slice(0, 3).join(' '))).toEqual([
      'install postgresql-server',
      'run runuser -u',
      'write --append /var/lib/pgsql/data/postgresql.conf',
      'write --append /var/lib/pgsql/data/pg_hba.conf',
      'enable postgresql',
      'db-create shop --engine',
      'firewall-add 5432/tcp',
    ]);
  });

  it('names and versions', () => {
    expect(dbNameProblem('shop')).toBeUndefined();
    expect(dbNameProblem('x;drop')).toMatch(/letters/);
    expect(debianPgMajor('debian', '12')).toBe('15');
    expect(debianPgMajor('ubuntu', '24.04')).toBe('16');
    expect(debianPgMajor('debian', '99')).toBeNull();
  });
});

describe('setup-database questions', () => {
  it('on a terminal asks every choice not given, shows the plan, and a "no" changes nothing', async () => {
    const asked: string[] = [];
    const prompt = scriptedPrompter({
      text: async (q: string, o?: { initial?: string }) => {
        asked.push(`${q} [${o?.initial ?? ''}]`);
        return q.startsWith('Database') ? 'shop' : (o?.initial ?? '');
      },
      choose: (async (q: string, _c: readonly string[], def: string) => {
        asked.push(`${q} [${def}]`);
        return def;
      }) as never,
      confirm: async () => false,
    });
    const guest = debian();
    const r = await runCommand(setupDatabase, ['--engine', 'postgresql'], { guest, prompt });
    expect(asked).toEqual(['Database name [app]', 'Owner (login user) [shop]', "Host file with the owner's password (empty: none) []", 'Listen on [local]']);
    expect(r.stderr).toContain('  1. install postgresql    # install postgresql');
    expect(r.stderr).toContain('  3. db-create shop --engine postgresql --owner shop    # create database shop owned by shop');
    expect(r.code).toBe(130);
    expect(r.stderr).toMatch(/cancelled: nothing was changed/);
  });

  it('in a script: flags and defaults, never a prompt; a bad flag is a usage error', async () => {
    const r = await runCommand(setupDatabase, ['--database', 'x;y', '--yes'], { guest: debian() });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--database x;y: only letters, digits and _');
  });
});
