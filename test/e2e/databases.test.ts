import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { guestctl, leftovers, sessionEnv, shell, tempDir } from '../helpers/cli.js';
import { workCopy } from '../helpers/fixtures.js';

// db-list and db-backup against the real engines: a copy of the Debian fixture with sqlite3,
// postgresql and mariadb-server installed by `install` (network), databases with known rows
// made by the guest's own servers in the jail, offline dumps restored into the same engines in
// the jail, and each data directory checked afterwards. Then the hostile image.

const dir = tempDir('guestctl-databases-');
let img: string;
let installSeconds = 0;

const ROWS = ['1|alpha', '2|beta', '3|gamma'];

// One guest script per exec call: a server started in the jail lives as long as its script.
const PG_SERVER = `set -eu
bin=/usr/lib/postgresql/15/bin conf=/etc/postgresql/15/main sock=/run/pgtest
mkdir -p $sock /run/postgresql; chown postgres $sock /run/postgresql
pg() { runuser -u postgres -- "$@"; }
pg $bin/pg_ctl -D $conf -o "-c listen_addresses='' -k $sock -c external_pid_file='' -c dynamic_shared_memory_type=mmap" -w -l $sock/log start >/dev/null
trap 'pg $bin/pg_ctl -D $conf -m fast -w stop >/dev/null' EXIT
`;
const MY_SERVER = `set -eu
sock=/run/mytest; mkdir -p $sock; chown mysql $sock
mariadbd --skip-networking --socket=$sock/sock --pid-file=$sock/pid --user=mysql --log-error=$sock/err &
pid=$!
trap 'mariadb-admin --socket=$sock/sock shutdown; wait $pid' EXIT
n=0; until mariadb-admin --socket=$sock/sock ping >$sock/ping 2>&1; do n=$((n+1)); [ $n -lt 60 ]; sleep 1; done
`;

async function guestScript(name: string, text: string): Promise<string> {
  const host = join(dir.path, name);
  writeFileSync(host, text);
  const r = await shell(img, [`upload ${host} /root/${name}`, `run sh /root/${name}`, `rm /root/${name}`]);
  expect(r.code, r.stderr).toBe(0);
  return r.stdout;
}


afterAll(() => {
  expect(leftovers(dir.path)).toEqual([]);
  dir.cleanup();
});

describe('databases on a Debian guest', () => {
  beforeAll(async () => {
    img = await workCopy('debian', dir.path);
    const t0 = Date.now();
    const r = await guestctl(['interactive', img, '-c', 'install sqlite3 postgresql mariadb-server'], { env: sessionEnv(img), timeoutMs: 600_000 });
    installSeconds = (Date.now() - t0) / 1000;
    expect(r.code, r.stderr).toBe(0);
    console.log(`install sqlite3 postgresql mariadb-server: ${installSeconds.toFixed(1)} s`);
  }, 620_000);

  it('db-list finds a SQLite database with known rows, and db-backup gives the same rows', async () => {
    const made = await shell(img, ['run mkdir -p /srv/app', "run sqlite3 /srv/app/app.db \"create table t(id integer primary key, v text); insert into t(v) values ('alpha'), ('beta'), ('gamma');\""]);
    expect(made.code, made.stderr).toBe(0);
    const list = await shell(img, ['db-list'], ['--json']);
    expect(list.code, list.stderr).toBe(0);
    const data = JSON.parse(list.stdout);
    expect(data.sqlite).toContainEqual({ path: '/srv/app/app.db', size: 8192, wal: false });
    expect(data.sqlitePackages.join()).toContain('sqlite3');
    const to = join(dir.path, 'app.sqlite');
    const r = await shell(img, [`db-backup sqlite /srv/app/app.db --to ${to}`], ['--json']);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).how).toContain('sqlite3 .backup');
    expect(execFileSync('sqlite3', [to, 'select id, v from t order by id'], { encoding: 'utf8' }).trim().split('\n')).toEqual(ROWS);
    const scratch = await shell(img, ['run find /var/tmp -name guestctl-dump-*']);
    expect(scratch.stdout.trim()).toBe('');
  });

  it('PostgreSQL: the cluster postinst made is listed, dumped offline, restored with the same rows, and left shut down', async () => {
    await guestScript('pg-make.sh', `${PG_SERVER}pg createdb -h $sock shop
pg psql -h $sock -d shop -qX -c "create table t(id int primary key, v text); insert into t values (1,'alpha'),(2,'beta'),(3,'gamma');"
`);
    const list = await shell(img, ['db-list'], ['--json']);
    const pg = JSON.parse(list.stdout).servers.find((s: { engine: string }) => s.engine === 'postgresql');
    expect(pg).toMatchObject({ label: '15/main', version: '15', dataDir: '/var/lib/postgresql/15/main', running: false });
    expect(pg.databases.length).toBeGreaterThanOrEqual(4);

    const to = join(dir.path, 'shop.dump');
    const r = await shell(img, [`db-backup postgresql shop --to ${to}`], ['--json']);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).check).toMatch(/Database cluster state:\s+shut down$/);
    expect(readFileSync(to).subarray(0, 5).toString()).toBe('PGDMP');

    // Restore into a new database of the same server, in the jail, and read the rows back.
    const out = await shell(img, [`upload ${to} /var/tmp/shop.dump`]);
    expect(out.code, out.stderr).toBe(0);
    const rows = await guestScript('pg-restore.sh', `${PG_SERVER}pg createdb -h $sock shop2
pg pg_restore -h $sock -d shop2 /var/tmp/shop.dump
pg psql -h $sock -d shop2 -AtX -c "select id, v from t order by id"
`);
    expect(rows.trim().split('\n').filter((l) => /^\d\|/.test(l))).toEqual(ROWS);
    const state = await shell(img, ['run /usr/lib/postgresql/15/bin/pg_controldata /var/lib/postgresql/15/main', 'ls /var/lib/postgresql/15/main']);
    expect(state.stdout).toMatch(/Database cluster state:\s+shut down\n/);
    expect(state.stdout).not.toContain('postmaster.pid');
  });

  it('PostgreSQL: a cluster with a postmaster.pid is refused and not started', async () => {
    const r = await shell(img, ['write /var/lib/postgresql/15/main/postmaster.pid "999\\n"', `db-backup postgresql shop --to ${join(dir.path, 'refused.dump')}`, 'rm /var/lib/postgresql/15/main/postmaster.pid'], ['--keep-going']);
    expect(r.stderr).toContain('postmaster.pid exists: the server is running or was not shut down cleanly');
    expect(existsSync(join(dir.path, 'refused.dump'))).toBe(false);
  });

  it('PostgreSQL: a failed dump names the cause, writes no host file, and still stops the server cleanly', async () => {
    const to = join(dir.path, 'nosuch.dump');
    const r = await shell(img, [`db-backup postgresql nosuch --to ${to}`]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('dumping postgresql database nosuch: pg_dump: error:');
    expect(r.stderr).toContain('database "nosuch" does not exist');
    expect(existsSync(to)).toBe(false);
    const state = await shell(img, ['run /usr/lib/postgresql/15/bin/pg_controldata /var/lib/postgresql/15/main', 'ls /var/lib/postgresql/15/main', 'run find /var/tmp -name guestctl-dump-*']);
    expect(state.stdout).toMatch(/Database cluster state:\s+shut down\n/);
    expect(state.stdout).not.toContain('postmaster.pid');
    expect(state.stdout).not.toContain('guestctl-dump-');
  });

  it('MariaDB: dumped offline with its trailer, restored with the same rows, data directory checked', async () => {
    await guestScript('my-make.sh', `${MY_SERVER}mariadb --socket=$sock/sock -e "create database wiki; create table wiki.t(id int primary key, v text); insert into wiki.t values (1,'alpha'),(2,'beta'),(3,'gamma');"
`);
    const to = join(dir.path, 'wiki.sql');
    const r = await shell(img, [`db-backup mariadb wiki --to ${to}`]);
    expect(r.code, r.stderr).toBe(0);
    const dump = readFileSync(to, 'utf8');
    expect(dump.trimEnd().split('\n').pop()).toMatch(/^-- Dump completed/);
    expect(dump).toContain('CREATE TABLE `t`');

    const up = await shell(img, [`upload ${to} /var/tmp/wiki.sql`]);
    expect(up.code, up.stderr).toBe(0);
    const rows = await guestScript('my-restore.sh', `${MY_SERVER}sed 's/\`wiki\`/\`wiki2\`/g' /var/tmp/wiki.sql | mariadb --socket=$sock/sock
mariadb --socket=$sock/sock -N -B -e "select concat(id, '|', v) from wiki2.t order by id"
mariadb-check --socket=$sock/sock --all-databases >$sock/check
echo "CHECKED $(grep -c 'OK$' $sock/check)"
grep -v 'OK$' $sock/check | sed 's/^/BAD: /'
`);
    expect(rows.trim().split('\n').filter((l) => /^\d\|/.test(l))).toEqual(ROWS);
    expect(rows).toMatch(/CHECKED [1-9]/);
    expect(rows).not.toContain('BAD:');
    const ls = await shell(img, ['ls /var/lib/mysql']);
    expect(ls.stdout).not.toMatch(/\.pid\b/);
  });
});

describe('databases on the hostile image', () => {
  const canary = '/tmp/guestctl-db-canary';
  beforeAll(() => {
    mkdirSync(canary, { recursive: true });
    rmSync(`${canary}/host.db`, { force: true });
    execFileSync('sqlite3', [`${canary}/host.db`, 'create table secret(x); insert into secret values (42);']);
  });
  afterAll(() => rmSync(canary, { recursive: true, force: true }));

  it('db-list and db-backup never reach a host database through the guest links', async () => {
    const img2 = await workCopy('hostile', dir.path);
    const hostDb = readFileSync(`${canary}/host.db`);
    const setup = await shell(img2, ['mkdir -p /srv', 'mkdir -p /var/lib', 'symlink /../../../tmp/guestctl-db-canary/host.db /srv/host.db', 'symlink ../../../../../tmp/guestctl-db-canary /var/lib/app']);
    expect(setup.code, setup.stderr).toBe(0);
    const list = await shell(img2, ['db-list'], ['--json']);
    expect(list.code, list.stderr).toBe(0);
    expect(JSON.parse(list.stdout).sqlite).toEqual([]);
    const to = join(dir.path, 'host-copy.sqlite');
    const r = await shell(img2, [`db-backup sqlite /srv/host.db --to ${to}`]);
    expect(r.code).toBe(1);
    expect(existsSync(to)).toBe(false);
    const viaDir = await shell(img2, [`db-backup sqlite /var/lib/app/host.db --to ${to}`]);
    expect(viaDir.code).toBe(1);
    expect(existsSync(to)).toBe(false);
    expect(readFileSync(`${canary}/host.db`).equals(hostDb)).toBe(true);
  });
});
