import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { dir, fakeGuest, file, link, type FileSpec } from '../../helpers/fake-guest.js';
import { runCommand } from '../../helpers/run-command.js';
import { dbList } from '../../../commands/database-operations/db-list.js';
import { dbBackup } from '../../../commands/database-operations/db-backup.js';
import { decodeDirName } from '../../../commands/database-operations/_shared/mariadb.js';
import { parseRows } from '../../../commands/database-operations/_shared/live-databases.js';

// db-list and db-backup on fake guests: detection from the data directories, the live paths
// through the (scripted) agent, the refusals. test/e2e/databases.test.ts runs the real engines.

const host = mkdtempSync(join(tmpdir(), 'guestctl-db-unit-'));
afterAll(() => rmSync(host, { recursive: true, force: true }));

const sqliteBytes = (walByte = 1): Buffer => {
  const b = Buffer.alloc(4096);
  b.write('SQLite format 3\0', 0, 'latin1');
  b[18] = walByte;
  b[19] = walByte;
  return b;
};

const DPKG = [
  'Package: postgresql-15\nStatus: install ok installed\nVersion: 15.18-0+deb12u1\nArchitecture: amd64\n',
  'Package: mariadb-server\nStatus: install ok installed\nVersion: 1:10.11.6-0+deb12u1\nArchitecture: amd64\n',
  'Package: redis-server\nStatus: install ok installed\nVersion: 5:7.0.15-1\nArchitecture: amd64\n',
  'Package: sqlite3\nStatus: install ok installed\nVersion: 3.40.1-2\nArchitecture: amd64\n',
].join('\n');

const debianFiles = (extra: Record<string, FileSpec> = {}): Record<string, FileSpec> => ({
  '/var/lib/dpkg/status': DPKG,
  '/var/lib/postgresql/15/main/PG_VERSION': '15\n',
  '/var/lib/postgresql/15/main/base/1/1259': file(Buffer.alloc(1000)),
  '/var/lib/postgresql/15/main/base/16384/1259': file(Buffer.alloc(3000)),
  '/var/lib/postgresql/15/main/base/16384/2608': file(Buffer.alloc(500)),
  '/etc/postgresql/15/main/postgresql.conf': "data_directory = '/var/lib/postgresql/15/main'\n",
  '/usr/lib/postgresql/15/bin/pg_ctl': file('ELF', { mode: 0o755 }),
  '/var/lib/mysql/mariadb_upgrade_info': '10.11.6-MariaDB\0',
  '/var/lib/mysql/wiki/db.opt': 'default-character-set=utf8mb4\n',
  '/var/lib/mysql/wiki/page.ibd': file(Buffer.alloc(2048)),
  '/var/lib/mysql/my@002dshop/db.opt': 'x\n',
  '/var/lib/mysql/performance_schema/db.opt': 'x\n',
  '/etc/mysql/my.cnf': '[mysqld]\n',
  '/etc/redis/redis.conf': 'dir /var/lib/redis\n',
  '/var/lib/redis': dir(),
  '/srv/app/app.db': file(sqliteBytes()),
  '/srv/app/notes.txt': 'not a database, but long enough to be read as one if the header matched.........................\n',
  '/home/alice/.local/share/wal.sqlite': file(sqliteBytes(2)),
  '/var/tmp': dir({ mode: 0o1777 }),
  ...extra,
});

describe('db-list', () => {
  it('finds the servers, their data and databases offline, and SQLite files by header', async () => {
    const guest = fakeGuest({ files: debianFiles(), os: { packageFormat: 'deb' } });
    const r = await runCommand(dbList, [], { guest, json: true });
    expect(r.code, r.stderr).toBe(0);
    const data = JSON.parse(r.stdout);
    const pg = data.servers.find((s: { engine: string }) => s.engine === 'postgresql');
    expect(pg).toMatchObject({ label: '15/main', version: '15', dataDir: '/var/lib/postgresql/15/main', config: '/etc/postgresql/15/main', running: false });
    expect(pg.packages).toEqual(['postgresql-15 15.18-0+deb12u1']);
    expect(pg.databases).toEqual([{ name: null, oid: '1', size: 1000 }, { name: null, oid: '16384', size: 3500 }]);
    const my = data.servers.find((s: { engine: string }) => s.engine === 'mariadb');
    expect(my).toMatchObject({ version: '10.11.6-MariaDB', dataDir: '/var/lib/mysql', config: '/etc/mysql', running: false });
    expect(my.databases).toEqual([{ name: 'my-shop', size: 2 }, { name: 'wiki', size: 2048 + 30 }]);
    expect(data.servers.find((s: { engine: string }) => s.engine === 'redis')).toMatchObject({ config: '/etc/redis/redis.conf', dataDir: '/var/lib/redis' });
    expect(data.sqlite).toEqual(
      expect.arrayContaining([
        { path: '/srv/app/app.db', size: 4096, wal: false },
        { path: '/home/alice/.local/share/wal.sqlite', size: 4096, wal: true },
      ]),
    );
    expect(data.sqlite).toHaveLength(2);
    expect(data.sqlitePackages).toEqual(['sqlite3 3.40.1-2']);
  });

  it('asks the running engines for names and sizes on a live guest', async () => {
    const guest = fakeGuest({
      kind: 'live',
      files: debianFiles(),
      os: { packageFormat: 'deb' },
      exec: {
        runuser: (argv) => (argv.includes('psql') ? { code: 0, stdout: 'postgres\t7500000\nshop\t9100000\n' } : { code: 1 }),
        mysql: { code: 1, stderr: "ERROR 2002 (HY000): Can't connect to local server through socket\n" },
      },
    });
    const r = await runCommand(dbList, [], { guest, json: true });
    expect(r.code, r.stderr).toBe(0);
    const data = JSON.parse(r.stdout);
    expect(data.servers[0].databases).toEqual([{ name: 'postgres', size: 7500000 }, { name: 'shop', size: 9100000 }]);
    const my = data.servers.find((s: { engine: string }) => s.engine === 'mariadb');
    expect(my.databases).toBeNull();
    expect(my.note).toContain("Can't connect");
  });

  it('escapes guest names on the terminal', async () => {
    const guest = fakeGuest({ files: { '/srv/\x1b[31mred.db': file(sqliteBytes()) } });
    const r = await runCommand(dbList, [], { guest });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).not.toContain('\x1b[31m');
    expect(r.stdout).toContain('red.db');
  });
});

describe('db-backup', () => {
  it('dumps live PostgreSQL through the agent as postgres, checks it, and removes the guest copy', async () => {
    const guest = fakeGuest({
      kind: 'live',
      files: debianFiles(),
      exec: {
        sh: async (argv, _opts, g) => {
          expect(argv[2]).toContain('runuser -u postgres -- pg_dump -Fc');
          await g.fs.writeFile(argv[argv.length - 1]!, 'PGDMP-shop');
          return { code: 0 };
        },
      },
    });
    const to = join(host, 'shop.dump');
    const r = await runCommand(dbBackup, ['postgresql', 'shop', '--to', to], { guest, json: true });
    expect(r.code, r.stderr).toBe(0);
    expect(readFileSync(to, 'utf8')).toBe('PGDMP-shop');
    const sh = guest.execCalls.find((c) => c.argv[0] === 'sh')!;
    expect(sh.argv.slice(4, 5)).toEqual(['shop']);
    expect(await guest.fs.list('/var/tmp')).toEqual([]);
  });

  it('names the failing step and leaves no host file when the dump fails', async () => {
    const guest = fakeGuest({ kind: 'live', files: debianFiles(), exec: { sh: { code: 1, stderr: 'pg_dump: error: database "nope" does not exist\n' } } });
    const to = join(host, 'nope.dump');
    const r = await runCommand(dbBackup, ['postgresql', 'nope', '--to', to], { guest });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('dumping postgresql database nope: pg_dump: error: database "nope" does not exist');
    expect(() => readFileSync(to)).toThrow();
    expect(await guest.fs.list('/var/tmp')).toEqual([]);
  });

  it('refuses an offline cluster with a postmaster.pid', async () => {
    const guest = fakeGuest({ files: debianFiles({ '/var/lib/postgresql/15/main/postmaster.pid': '1234\n' }) });
    const r = await runCommand(dbBackup, ['postgresql', 'shop', '--to', join(host, 'x.dump')], { guest });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('postmaster.pid exists: the server is running or was not shut down cleanly');
    expect(guest.execCalls).toEqual([]);
  });

  it('plans an offline PostgreSQL dump with the cluster\'s own pg_ctl on --dry-run, and runs nothing', async () => {
    const guest = fakeGuest({ files: debianFiles() });
    const r = await runCommand(dbBackup, ['pg', 'shop', '--dry-run', '--to', join(host, 'dry.dump')], { guest, json: true });
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ engine: 'postgresql', dryRun: true, how: expect.stringContaining('PostgreSQL 15 started offline on /var/lib/postgresql/15/main') });
    expect(guest.execCalls).toEqual([]);
  });

  it('copies a SQLite file when the guest has no sqlite3 and it is not in WAL use', async () => {
    const guest = fakeGuest({ files: debianFiles(), exec: { sh: { code: 1 } } });
    const to = join(host, 'app-copy.sqlite');
    const r = await runCommand(dbBackup, ['sqlite', '/srv/app/app.db', '--to', to], { guest, json: true });
    expect(r.code, r.stderr).toBe(0);
    expect(readFileSync(to).equals(sqliteBytes())).toBe(true);
    expect(JSON.parse(r.stdout).how).toContain('a copy of the file');
  });

  it('refuses to copy a WAL database with a non-empty -wal file without sqlite3', async () => {
    const guest = fakeGuest({ files: debianFiles({ '/home/alice/.local/share/wal.sqlite-wal': 'frames' }), exec: { sh: { code: 1 } } });
    const r = await runCommand(dbBackup, ['sqlite', '/home/alice/.local/share/wal.sqlite', '--to', join(host, 'wal.sqlite')], { guest });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('is in WAL mode with a non-empty');
  });

  it('never replaces an existing host file without --force', async () => {
    const to = join(host, 'exists.sqlite');
    writeFileSync(to, 'mine');
    const guest = fakeGuest({ files: debianFiles(), exec: { sh: { code: 1 } } });
    const r = await runCommand(dbBackup, ['sqlite', '/srv/app/app.db', '--to', to], { guest });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('already exists on the host: pass --force');
    expect(readFileSync(to, 'utf8')).toBe('mine');
    const forced = await runCommand(dbBackup, ['sqlite', '/srv/app/app.db', '--to', to, '--force'], { guest });
    expect(forced.code, forced.stderr).toBe(0);
    expect(readFileSync(to).equals(sqliteBytes())).toBe(true);
  });

  it('refuses an unknown engine', async () => {
    const r = await runCommand(dbBackup, ['oracle', 'x'], { guest: fakeGuest({}) });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("unknown engine 'oracle'");
  });
});

describe('database helpers', () => {
  it.each([
    ['wiki', 'wiki'],
    ['my@002dshop', 'my-shop'],
    ['caf@00e9', 'café'],
  ])('decodes the data directory name %s', (dirName, name) => expect(decodeDirName(dirName)).toBe(name));

  it('parses name<TAB>bytes rows', () => expect(parseRows('a\t1\nb\t22\n\n')).toEqual([{ name: 'a', size: 1 }, { name: 'b', size: 22 }]));
});

describe('db-backup of a linked SQLite file', () => {
  it('follows a guest symlink inside the guest and names the file it backed up', async () => {
    const guest = fakeGuest({ files: { ...debianFiles(), '/srv/current.db': link('app/app.db') }, exec: { sh: { code: 1 } } });
    const to = join(host, 'linked.sqlite');
    const r = await runCommand(dbBackup, ['sqlite', '/srv/current.db', '--to', to], { guest, json: true });
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).database).toBe('/srv/app/app.db');
    expect(readFileSync(to).equals(sqliteBytes())).toBe(true);
  });
});
