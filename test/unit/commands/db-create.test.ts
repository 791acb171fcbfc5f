import { createHash, createHmac, pbkdf2Sync } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { fakeGuest, file, type FileSpec } from '../../helpers/fake-guest.js';
import { runCommand } from '../../helpers/run-command.js';
import { dbCreate } from '../../../commands/database-operations/db-create.js';
import { checkName, mariadbSql, myIdent, myLiteral, mysqlNativeHash, pgIdent, pgLiteral, postgresSql, scramVerifier } from '../../../commands/database-operations/_shared/create-sql.js';

// db-create: names, quoting, the verifiers, the SQL, and the command on fake guests (the script
// is scripted; test/e2e/setup-database.test.ts runs the real servers).

const host = mkdtempSync(join(tmpdir(), 'guestctl-dbcreate-unit-'));
afterAll(() => rmSync(host, { recursive: true, force: true }));
const PW = 'S3cret pass\'word';
const pwFile = join(host, 'pw');
writeFileSync(pwFile, `${PW}\nsecond line ignored\n`);

const DPKG = 'Package: postgresql-15\nStatus: install ok installed\nVersion: 15.18-0+deb12u1\nArchitecture: amd64\n';
const files = (extra: Record<string, FileSpec> = {}): Record<string, FileSpec> => ({
  '/var/lib/dpkg/status': DPKG,
  '/var/lib/postgresql/15/main/PG_VERSION': '15\n',
  '/etc/postgresql/15/main/postgresql.conf': "data_directory = '/var/lib/postgresql/15/main'\n",
  '/usr/lib/postgresql/15/bin/pg_ctl': file('ELF', { mode: 0o755 }),
  ...extra,
});

describe('names and quoting', () => {
  it.each([
    ['shop', true],
    ['_x9', true],
    ['9shop', false],
    ['shop;drop', false],
    ['a"b', false],
    ["a'b", false],
    ['', false],
    ['x'.repeat(63), true],
    ['x'.repeat(64), false],
  ])('postgresql name %j accepted: %s', (name, ok) => {
    if (ok) expect(checkName('postgresql', 'database', name)).toBe(name);
    else expect(() => checkName('postgresql', 'database', name)).toThrow(/name/);
  });

  it('quotes identifiers and literals so nothing ends them early', () => {
    expect(pgIdent('a"b')).toBe('"a""b"');
    expect(pgLiteral("it's")).toBe("'it''s'");
    expect(myIdent('a`b')).toBe('`a``b`');
    expect(myLiteral("it's")).toBe("'it''s'");
    expect(() => myLiteral('a\\b')).toThrow();
    expect(() => pgLiteral('a\0b')).toThrow();
  });
});

describe('verifiers', () => {
  it('SCRAM-SHA-256 as PostgreSQL computes it (RFC 7677 steps)', () => {
    const salt = Buffer.from('0123456789abcdef');
    const v = scramVerifier(Buffer.from('pencil'), salt, 4096);
    const salted = pbkdf2Sync('pencil', salt, 4096, 32, 'sha256');
    const stored = createHash('sha256').update(createHmac('sha256', salted).update('Client Key').digest()).digest('base64');
    const server = createHmac('sha256', salted).update('Server Key').digest('base64');
    expect(v).toBe(`SCRAM-SHA-256$4096:${salt.toString('base64')}$${stored}:${server}`);
  });

  it('mysql_native_password of a known password', () => {
    // SELECT PASSWORD('password') in MariaDB
    expect(mysqlNativeHash(Buffer.from('password'))).toBe('*2470C0C06DEE42FD1618BB99005ADCA2EC9D1E19');
  });
});

describe('SQL', () => {
  it('PostgreSQL: checks before changes, the verifier only, the owner', () => {
    const sql = postgresSql({ database: 'shop', owner: 'shopper', verifier: 'SCRAM-SHA-256$4096:c2FsdA==$a:b', remote: false });
    const lines = sql.trim().split('\n');
    expect(lines[0]).toBe('SET log_min_error_statement TO panic;');
    expect(lines.findIndex((l) => l.includes('pg_database WHERE datname'))).toBeLessThan(lines.findIndex((l) => l.startsWith('CREATE ROLE')));
    expect(sql).toContain(`CREATE ROLE "shopper" LOGIN PASSWORD 'SCRAM-SHA-256$4096:c2FsdA==$a:b';`);
    expect(sql).toContain('CREATE DATABASE "shop" OWNER "shopper";');
  });

  it('PostgreSQL without a password keeps an existing role', () => {
    const sql = postgresSql({ database: 'shop', owner: 'shopper', verifier: null, remote: false });
    expect(sql).toContain(`IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'shopper') THEN CREATE ROLE "shopper" LOGIN;`);
    expect(sql).not.toContain('PASSWORD');
  });

  it('MariaDB: offline loads the grant tables, checks in one block, user at localhost and %', () => {
    const sql = mariadbSql({ database: 'wiki', owner: 'wiki', verifier: '*2470C0C06DEE42FD1618BB99005ADCA2EC9D1E19', remote: true }, true);
    const lines = sql.trim().split('\n');
    expect(lines[0]).toBe('FLUSH PRIVILEGES;');
    expect(lines[1]).toBe('DELIMITER ;;');
    expect(lines[2]).toMatch(/^BEGIN NOT ATOMIC .*Host = 'localhost'.*Host = '%'.* END;;$/);
    expect(sql).toContain("CREATE USER 'wiki'@'%' IDENTIFIED BY PASSWORD '*2470C0C06DEE42FD1618BB99005ADCA2EC9D1E19';");
    expect(sql).toContain("GRANT ALL PRIVILEGES ON `wiki`.* TO 'wiki'@'localhost';");
    expect(mariadbSql({ database: 'w', owner: 'u', verifier: null, remote: false }, false)).toContain("CREATE USER 'u'@'localhost' IDENTIFIED VIA unix_socket;");
  });
});

describe('db-create', () => {
  const ok = (stdout: string) => (argv: string[]) => ({ code: argv[0] === 'sh' ? 0 : 1, stdout });

  it('feeds the SQL on stdin: the password is in no argument, and only its verifier in the SQL', async () => {
    const guest = fakeGuest({ files: files(), os: { packageFormat: 'deb' }, exec: { sh: ok('guestctl-db-create|shop|shopper|t\nDatabase cluster state:               shut down\n') } });
    const r = await runCommand(dbCreate, ['shop', '--owner', 'shopper', '--password-file', pwFile], { guest, json: true });
    expect(r.code, r.stderr).toBe(0);
    expect(r.data).toMatchObject({ engine: 'postgresql', database: 'shop', owner: 'shopper', password: 'set', dryRun: false });
    const call = guest.execCalls.find((c) => c.argv[0] === 'sh')!;
    expect(call.argv.slice(4)).toEqual(['/usr/lib/postgresql/15/bin', '/etc/postgresql/15/main', '/var/lib/postgresql/15/main']);
    const stdin = String(call.opts.stdin);
    expect(stdin).toMatch(/CREATE ROLE "shopper" LOGIN PASSWORD 'SCRAM-SHA-256\$4096:/);
    expect(JSON.stringify(guest.execCalls)).not.toContain('S3cret');
    expect(r.stdout + r.stderr).not.toContain('S3cret');
  });

  it.each([
    [['sh;x'], /database name/],
    [['shop', '--owner', "x' OR 1"], /user name/],
    [['shop', '--password-file', pwFile], /needs --owner/],
    [['shop', '--remote', '--owner', 'u'], /--remote is for MariaDB/],
    [['shop', '--engine', 'oracle'], /unknown engine/],
  ])('refuses %j', async (argv, msg) => {
    const guest = fakeGuest({ files: files(), os: { packageFormat: 'deb' } });
    const r = await runCommand(dbCreate, argv, { guest });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(msg);
    expect(guest.execCalls.filter((c) => c.argv[0] === 'sh')).toEqual([]);
  });

  it('refuses a cluster with a pid file, and reports the server error on one line', async () => {
    const running = fakeGuest({ files: files({ '/var/lib/postgresql/15/main/postmaster.pid': '123\n' }), os: { packageFormat: 'deb' } });
    const r1 = await runCommand(dbCreate, ['shop'], { guest: running });
    expect(r1.code).toBe(1);
    expect(r1.stderr).toMatch(/postmaster.pid exists/);
    const exists = fakeGuest({ files: files(), os: { packageFormat: 'deb' }, exec: { sh: { code: 3, stderr: 'psql:<stdin>:3: ERROR:  database "shop" already exists\nCONTEXT:  PL/pgSQL function inline_code_block line 1 at RAISE\n' } } });
    const r2 = await runCommand(dbCreate, ['shop'], { guest: exists });
    expect(r2.code).toBe(1);
    expect(r2.stderr).toContain('creating postgresql database shop: ERROR:  database "shop" already exists');
  });

  it('--dry-run runs nothing and reads no password', async () => {
    const guest = fakeGuest({ files: files(), os: { packageFormat: 'deb' } });
    const r = await runCommand(dbCreate, ['shop', '--owner', 'shopper', '--password-file', join(host, 'missing'), '--dry-run'], { guest });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^would create postgresql database shop owned by shopper \(password set\): PostgreSQL 15 started offline/);
    expect(guest.execCalls).toEqual([]);
  });
});
