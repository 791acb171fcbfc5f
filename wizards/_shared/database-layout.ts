// Where each family's PostgreSQL and MariaDB packages put things, for setup-database. Pure.

export type DbEngine = 'postgresql' | 'mariadb';
export type DbFamily = 'debian' | 'rhel';

/** Letters, digits and _, not starting with a digit (db-create checks the same and quotes anyway). */
export function dbNameProblem(v: string): string | undefined {
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(v)) return 'only letters, digits and _, not starting with a digit';
  if (v.length > 63) return 'longer than 63 characters';
  return undefined;
}

/** The PostgreSQL major version Debian's and Ubuntu's `postgresql` package installs, by release. */
const PG_MAJOR: Record<string, string> = {
  'debian 11': '13',
  'debian 12': '15',
  'debian 13': '17',
  'ubuntu 20.04': '12',
  'ubuntu 22.04': '14',
  'ubuntu 24.04': '16',
};

export function debianPgMajor(distro: string | null, version: string | null): string | null {
  if (!distro || !version) return null;
  const major = distro === 'debian' ? version.split('.')[0] : version;
  return PG_MAJOR[`${distro} ${major}`] ?? null;
}

export interface PgLayout {
  packages: string[];
  service: string;
  /** The directory holding postgresql.conf and pg_hba.conf. */
  configDir: string;
  dataDir: string;
  binDir: string;
  /** RHEL: the cluster is made by initdb (postgresql-setup --initdb), not by the package. */
  initdb: boolean;
}

export function pgLayout(family: DbFamily, major: string | null): PgLayout {
  if (family === 'debian') {
    if (!major) throw new Error('internal: the Debian layout needs the PostgreSQL version');
    return {
      packages: ['postgresql'],
      service: 'postgresql',
      configDir: `/etc/postgresql/${major}/main`,
      dataDir: `/var/lib/postgresql/${major}/main`,
      binDir: `/usr/lib/postgresql/${major}/bin`,
      initdb: false,
    };
  }
  return { packages: ['postgresql-server'], service: 'postgresql', configDir: '/var/lib/pgsql/data', dataDir: '/var/lib/pgsql/data', binDir: '/usr/bin', initdb: true };
}

export interface MyLayout {
  packages: string[];
  service: string;
  /** The option-file directory read after the packages' own files. */
  snippetDir: string;
  /** RHEL: the data directory is made when the service first starts; offline, mariadb-install-db makes it. */
  installDb: boolean;
}

export function myLayout(family: DbFamily): MyLayout {
  if (family === 'debian') return { packages: ['mariadb-server'], service: 'mariadb', snippetDir: '/etc/mysql/mariadb.conf.d', installDb: false };
  return { packages: ['mariadb-server'], service: 'mariadb', snippetDir: '/etc/my.cnf.d', installDb: true };
}

/** Named to sort after the packages' own files (50-server.cnf, mariadb-server.cnf): it wins. */
export const MY_LISTEN_SNIPPET = 'zz-guestctl-listen.cnf';
/** Debian's postgresql.conf includes conf.d/*.conf at its end: a setting there wins. */
export const PG_LISTEN_SNIPPET = 'conf.d/60-guestctl-listen.conf';

/**
 * A guest script that lists, with the guest's own psql, the database and its owner: offline the
 * server is started in the jail on a private socket with no network and stopped cleanly, as
 * db-create does. $1 bin dir, $2 config dir, $3 database. Prints "NAME|OWNER".
 */
export const PG_LIST_OFFLINE = `set -eu
bin=$1 confdir=$2 db=$3
sock=/run/guestctl-pgcheck
mkdir -p "$sock" /run/postgresql
chown postgres "$sock" /run/postgresql
chmod 700 "$sock"
runuser -u postgres -- "$bin/pg_ctl" -D "$confdir" -o "-c listen_addresses='' -k $sock -c external_pid_file='' -c dynamic_shared_memory_type=mmap" -w -t 120 -l "$sock/server.log" start </dev/null >"$sock/start.out" 2>&1 || { cat "$sock/start.out" "$sock/server.log" >&2; exit 1; }
trap 'runuser -u postgres -- "$bin/pg_ctl" -D "$confdir" -m fast -w stop </dev/null >"$sock/stop.out" 2>&1 || { cat "$sock/stop.out" >&2; exit 1; }' EXIT
echo "SELECT datname, pg_get_userbyid(datdba) FROM pg_database WHERE datname = :'db';" | runuser -u postgres -- "$bin/psql" -h "$sock" -d postgres -AtX -v db="$db"
`;

/** $1 database. Prints "NAME" and the users with privileges on it ("NAME|user@host,..."). */
export const MY_LIST_OFFLINE = `set -eu
db=$1
sock=/run/guestctl-mycheck
mkdir -p "$sock"
chown mysql "$sock"
if command -v mariadbd >/dev/null; then server=mariadbd; else server=mysqld; fi
if command -v mariadb >/dev/null; then client=mariadb admin=mariadb-admin; else client=mysql admin=mysqladmin; fi
"$server" --skip-networking --skip-grant-tables --skip-log-bin --socket="$sock/sock" --pid-file="$sock/pid" --log-error="$sock/error.log" --user=mysql </dev/null 2>"$sock/server.err" &
pid=$!
trap '"$admin" --socket="$sock/sock" shutdown </dev/null; wait $pid' EXIT
n=0
until "$admin" --socket="$sock/sock" ping </dev/null >"$sock/ping.out" 2>&1; do
  n=$((n + 1))
  if [ "$n" -gt 120 ] || ! kill -0 "$pid"; then cat "$sock/server.err" "$sock/error.log" "$sock/ping.out" >&2; exit 1; fi
  sleep 1
done
printf "SELECT CONCAT(s.SCHEMA_NAME, '|', COALESCE((SELECT GROUP_CONCAT(CONCAT(User, '@', Host) ORDER BY Host) FROM mysql.db WHERE Db = s.SCHEMA_NAME), '')) FROM information_schema.SCHEMATA s WHERE s.SCHEMA_NAME = '%s';\\n" "$db" | "$client" --socket="$sock/sock" --batch --skip-column-names
`;
