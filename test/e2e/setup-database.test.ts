import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { guestctl, leftovers, sessionEnv, shell, tempDir } from '../helpers/cli.js';
import { workCopy } from '../helpers/fixtures.js';

// setup-database and db-create on copies of the Debian fixture, flags only (--yes): the wizard
// installs the server (network), configures, enables and creates the database and its owner.
// Then, in new processes, the guest's own server is started in the jail and its own client
// lists the database and the owner, and logs in as the owner with the password from the file.

const dir = tempDir('guestctl-setupdb-');
afterAll(() => {
  expect(leftovers(dir.path)).toEqual([]);
  dir.cleanup();
});

const PASSWORD = "Sh0p pa$$ 'quoted' \\ word";
const pwFile = join(dir.path, 'shop.pw');
writeFileSync(pwFile, `${PASSWORD}\n`, { mode: 0o600 });

async function guestScript(img: string, name: string, text: string): Promise<{ code: number; stdout: string; stderr: string }> {
  const host = join(dir.path, name);
  writeFileSync(host, text);
  return shell(img, [`upload ${host} /root/${name}`, `run sh /root/${name}`, `rm /root/${name}`]);
}

// The server with its own pg_hba.conf replaced by password-only rules, so the owner must use its password.
const PG_CHECK = `set -eu
bin=/usr/lib/postgresql/15/bin conf=/etc/postgresql/15/main sock=/run/pgtest
mkdir -p $sock /run/postgresql; chown postgres $sock /run/postgresql
printf 'local all postgres peer\\nlocal all all scram-sha-256\\n' >$sock/hba; chown postgres $sock/hba
pg() { runuser -u postgres -- "$@"; }
pg $bin/pg_ctl -D $conf -o "-c listen_addresses='' -k $sock -c external_pid_file='' -c dynamic_shared_memory_type=mmap -c hba_file=$sock/hba" -w -l $sock/log start >/dev/null
trap 'pg $bin/pg_ctl -D $conf -m fast -w stop >/dev/null' EXIT
echo "databases: $(pg psql -h $sock -AtX -c "select datname || ':' || pg_get_userbyid(datdba) from pg_database where datname not like 'template%' order by 1" | tr '\\n' ' ')"
echo "roles: $(pg psql -h $sock -AtX -c "select rolname || ':' || rolcanlogin || ':' || left(rolpassword, 14) from pg_authid where rolname = 'shopper'")"
echo "login: $(PGPASSWORD=$(head -n 1 /root/shop.pw) psql -h $sock -U shopper -d shop -AtX -c 'select current_user, current_database()')"
if PGPASSWORD=wrong psql -h $sock -U shopper -d shop -AtX -c 'select 1' 2>/dev/null; then echo "wrong password: accepted"; else echo "wrong password: refused"; fi
`;

describe('setup-database on a Debian guest', () => {
  it('PostgreSQL, flags only: shop owned by shopper, the password works, the service enabled, the cluster shut down', async () => {
    const img = await workCopy('debian', dir.path);
    const r = await guestctl(
      ['interactive', img, '--json', '-c', `setup-database --engine postgresql --database shop --user shopper --password-file ${pwFile} --yes`],
      { env: sessionEnv(img), timeoutMs: 900_000 },
    );
    expect(r.code, r.stderr).toBe(0);
    const data = JSON.parse(r.stdout);
    expect(data.steps.map((s: { command: string; status: string }) => `${s.status} ${s.command}`)).toEqual([
      'done install postgresql',
      'done enable postgresql',
      `done db-create shop --engine postgresql --owner shopper --password-file ${pwFile}`,
    ]);
    expect(data.checks.map((c: { ok: boolean; output: string }) => [c.ok, c.output])).toEqual([
      [true, 'enabled'],
      [true, 'shop|shopper'],
    ]);
    // The password is in no output, and nowhere in the guest but the test's own copy below.
    expect(r.stdout + r.stderr).not.toContain('Sh0p');

    // A new process: the guest's own tools.
    const enabled = await shell(img, ['run systemctl is-enabled postgresql']);
    expect(enabled.stdout.trim()).toBe('enabled');
    const controldata = await shell(img, ['run /usr/lib/postgresql/15/bin/pg_controldata /var/lib/postgresql/15/main']);
    expect(controldata.stdout).toMatch(/^Database cluster state:\s+shut down$/m);
    const grep = await shell(img, ['run grep -rl Sh0p /var/lib/postgresql /etc/postgresql /var/log /root']);
    expect(grep.stdout.trim()).toBe('');
    const up = await shell(img, [`upload ${pwFile} /root/shop.pw`]);
    expect(up.code, up.stderr).toBe(0);
    const check = await guestScript(img, 'pg-check.sh', PG_CHECK);
    expect(check.code, check.stderr).toBe(0);
    expect(check.stdout).toContain('databases: postgres:postgres shop:shopper \n');
    expect(check.stdout).toContain('roles: shopper:true:SCRAM-SHA-256$\n');
    expect(check.stdout).toContain('login: shopper|shop\n');
    expect(check.stdout).toContain('wrong password: refused\n');

    // db-create refuses an existing database, like createdb, and changes nothing.
    const again = await shell(img, ['db-create shop --owner shopper']);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/^error: creating postgresql database shop: ERROR: +database "shop" already exists$/m);
    // The wizard again, --listen all: its db-create step fails (shop exists), so the configuration
    // steps before it are undone and the error names the step.
    const hbaBefore = await shell(img, ['run sha256sum /etc/postgresql/15/main/pg_hba.conf']);
    const failed = await guestctl(['interactive', img, '-c', 'setup-database --engine postgresql --database shop --user shopper --listen all --yes'], { env: sessionEnv(img), timeoutMs: 900_000 });
    expect(failed.code).toBe(1);
    expect(failed.stderr).toMatch(/^error: setup-database: step 4 \(create database shop owned by shopper: db-create shop --engine postgresql --owner shopper\) failed: creating postgresql database shop: ERROR: +database "shop" already exists; its changes were undone$/m);
    const restored = await shell(img, ['run sha256sum /etc/postgresql/15/main/pg_hba.conf', 'run ls /etc/postgresql/15/main/conf.d']);
    expect(restored.code, restored.stderr).toBe(0);
    expect(restored.stdout).toBe(hbaBefore.stdout);
    // db-create and undo in one session: the data directory comes back, the cluster still starts.
    const undo = await shell(img, ['db-create scratch --owner helper', 'undo']);
    expect(undo.code, undo.stderr).toBe(0);
    const after = await guestScript(img, 'pg-check2.sh', PG_CHECK);
    expect(after.code, after.stderr).toBe(0);
    expect(after.stdout).toContain('databases: postgres:postgres shop:shopper \n');
  }, 1_200_000);

  it('MariaDB --listen all: wiki with privileges for wiki@localhost and wiki@%, the password works, bind-address 0.0.0.0', async () => {
    const img = await workCopy('debian', dir.path);
    const r = await guestctl(
      ['interactive', img, '--json', '-c', `setup-database --engine mariadb --database wiki --user wiki --password-file ${pwFile} --listen all --yes`],
      { env: sessionEnv(img), timeoutMs: 900_000 },
    );
    expect(r.code, r.stderr).toBe(0);
    const data = JSON.parse(r.stdout);
    expect(data.steps.map((s: { command: string }) => s.command.split(' ').slice(0, 2).join(' '))).toEqual([
      'install mariadb-server',
      'write /etc/mysql/mariadb.conf.d/zz-guestctl-listen.cnf',
      'enable mariadb',
      'db-create wiki',
    ]);
    expect(data.notes.join()).toContain('no firewall is enabled in the guest: nothing to open for 3306/tcp');
    expect(data.checks.map((c: { output: string }) => c.output)).toEqual(['enabled', 'wiki|wiki@%,wiki@localhost']);

    const defaults = await shell(img, ['run my_print_defaults --mysqld']);
    expect(defaults.stdout.trim().split('\n').filter((l) => l.startsWith('--bind-address')).pop()).toBe('--bind-address=0.0.0.0');
    const up = await shell(img, [`upload ${pwFile} /root/shop.pw`]);
    expect(up.code, up.stderr).toBe(0);
    const check = await guestScript(
      img,
      'my-check.sh',
      `set -eu
sock=/run/mytest; mkdir -p $sock; chown mysql $sock
mariadbd --skip-networking --socket=$sock/sock --pid-file=$sock/pid --user=mysql --log-error=$sock/err &
pid=$!
trap 'mariadb-admin --socket=$sock/sock shutdown; wait $pid' EXIT
n=0; until mariadb-admin --socket=$sock/sock ping >$sock/ping 2>&1; do n=$((n+1)); [ $n -lt 60 ]; sleep 1; done
echo "grants: $(mariadb --socket=$sock/sock -N -e "select group_concat(concat(user,'@',host) order by host) from mysql.db where db='wiki'")"
echo "login: $(MYSQL_PWD=$(head -n 1 /root/shop.pw) mariadb --socket=$sock/sock -u wiki -N -e 'select current_user(), database()' wiki | tr '\\t' ' ')"
if MYSQL_PWD=wrong mariadb --socket=$sock/sock -u wiki -N -e 'select 1' 2>/dev/null; then echo "wrong password: accepted"; else echo "wrong password: refused"; fi
`,
    );
    expect(check.code, check.stderr).toBe(0);
    expect(check.stdout).toContain('grants: wiki@%,wiki@localhost\n');
    expect(check.stdout).toContain('login: wiki@localhost wiki\n');
    expect(check.stdout).toContain('wrong password: refused\n');
  }, 1_200_000);
});
