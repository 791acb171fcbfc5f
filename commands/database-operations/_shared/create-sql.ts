import { createHash, createHmac, pbkdf2Sync, randomBytes } from 'node:crypto';
import { usageError } from '../../../src/util/errors.js';

// The SQL db-create feeds to the guest's own client on its stdin. Names are checked against a
// strict pattern and quoted anyway; the password never reaches the guest: the server gets the
// verifier guestctl computed (PostgreSQL SCRAM-SHA-256, as psql's \password does; MariaDB's
// mysql_native_password hash), so no statement, log, history or process list holds it.

export type DbEngine = 'postgresql' | 'mariadb';

/** Letters, digits and _, not starting with a digit: what createdb and CREATE USER take without surprises. */
const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const MAX: Record<DbEngine, { database: number; user: number }> = {
  postgresql: { database: 63, user: 63 }, // NAMEDATALEN - 1
  mariadb: { database: 64, user: 80 },
};

export function checkName(engine: DbEngine, kind: 'database' | 'user', value: string): string {
  if (!NAME.test(value)) throw usageError(`${kind} name '${value}': only letters, digits and _, not starting with a digit`);
  if (value.length > MAX[engine][kind]) throw usageError(`${kind} name '${value}': longer than ${MAX[engine][kind]} characters, the ${engine} limit`);
  return value;
}

export function pgIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/** A standard-conforming literal: only ' is special. */
export function pgLiteral(value: string): string {
  if (value.includes('\0')) throw usageError('a NUL byte cannot be part of a PostgreSQL string');
  return `'${value.replace(/'/g, "''")}'`;
}

export function myIdent(name: string): string {
  return `\`${name.replace(/`/g, '``')}\``;
}

/** A MariaDB literal that is the same with and without NO_BACKSLASH_ESCAPES: no backslash, ' doubled. */
export function myLiteral(value: string): string {
  if (/[\\\0]/.test(value)) throw usageError('a backslash or NUL cannot be part of this MariaDB string');
  return `'${value.replace(/'/g, "''")}'`;
}

/**
 * SASLprep (RFC 4013) as PostgreSQL applies it before hashing: non-ASCII spaces become spaces,
 * the "mapped to nothing" characters go, then NFKC. A password it would reject (control
 * characters, ...) is used as its raw bytes, as PostgreSQL does.
 */
function saslPrep(pw: Buffer): Buffer {
  const text = pw.toString('utf8');
  if (!Buffer.from(text, 'utf8').equals(pw)) return pw; // not UTF-8
  if (/^[\x20-\x7e]*$/.test(text)) return pw;
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f-\u009f]/.test(text)) return pw;
  const mapped = text
    .replace(/[\u00a0\u1680\u2000-\u200b\u202f\u205f\u3000]/g, ' ')
    .replace(/[\u00ad\u034f\u1806\u180b-\u180d\u200c\u200d\u2060\ufe00-\ufe0f\ufeff]/g, '')
    .normalize('NFKC');
  return Buffer.from(mapped, 'utf8');
}

/** PostgreSQL's SCRAM-SHA-256 verifier (4096 iterations, 16-byte salt), as libpq's PQencryptPasswordConn makes it. */
export function scramVerifier(pw: Buffer, salt: Buffer = randomBytes(16), iterations = 4096): string {
  const salted = pbkdf2Sync(saslPrep(pw), salt, iterations, 32, 'sha256');
  const clientKey = createHmac('sha256', salted).update('Client Key').digest();
  const storedKey = createHash('sha256').update(clientKey).digest();
  const serverKey = createHmac('sha256', salted).update('Server Key').digest();
  salted.fill(0);
  return `SCRAM-SHA-256$${iterations}:${salt.toString('base64')}$${storedKey.toString('base64')}:${serverKey.toString('base64')}`;
}

/** mysql_native_password: '*' and the upper-case hex of SHA1(SHA1(password)). */
export function mysqlNativeHash(pw: Buffer): string {
  const inner = createHash('sha1').update(pw).digest();
  return `*${createHash('sha1').update(inner).digest('hex').toUpperCase()}`;
}

export interface CreateRequest {
  database: string;
  /** The owner (PostgreSQL role, MariaDB user); null: the database only. */
  owner: string | null;
  /** The owner's password verifier (scramVerifier / mysqlNativeHash); null: no password. */
  verifier: string | null;
  /** MariaDB: also 'USER'@'%' for connections over the network. */
  remote: boolean;
}

/** The marker line the SQL's last query prints, read back by db-create to check the result. */
export const RESULT_MARK = 'guestctl-db-create';

/**
 * psql script (run as postgres, ON_ERROR_STOP): refuses an existing database and an existing
 * role given a password before it changes anything, creates the role (LOGIN, with the
 * verifier) and the database owned by it, and prints what the catalog then says.
 */
export function postgresSql(r: CreateRequest): string {
  const db = r.database;
  const lines = [
    // A failing statement is not written to the server log with its text, nor any statement.
    'SET log_min_error_statement TO panic;',
    'SET log_statement TO none;',
    `DO $guestctl$BEGIN IF EXISTS (SELECT FROM pg_database WHERE datname = ${pgLiteral(db)}) THEN RAISE EXCEPTION 'database "%" already exists', ${pgLiteral(db)}; END IF; END$guestctl$;`,
  ];
  if (r.owner) {
    const role = r.owner;
    if (r.verifier) {
      lines.push(
        `DO $guestctl$BEGIN IF EXISTS (SELECT FROM pg_roles WHERE rolname = ${pgLiteral(role)}) THEN RAISE EXCEPTION 'role "%" already exists: its password is not changed (leave out --password-file to make it the owner as it is)', ${pgLiteral(role)}; END IF; END$guestctl$;`,
        `CREATE ROLE ${pgIdent(role)} LOGIN PASSWORD ${pgLiteral(r.verifier)};`,
      );
    } else {
      lines.push(`DO $guestctl$BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = ${pgLiteral(role)}) THEN CREATE ROLE ${pgIdent(role)} LOGIN; END IF; END$guestctl$;`);
    }
    lines.push(`CREATE DATABASE ${pgIdent(db)} OWNER ${pgIdent(role)};`);
  } else {
    lines.push(`CREATE DATABASE ${pgIdent(db)};`);
  }
  lines.push(
    `SELECT ${pgLiteral(RESULT_MARK)}, d.datname, pg_get_userbyid(d.datdba), COALESCE((SELECT rolpassword LIKE 'SCRAM-SHA-256$%' FROM pg_authid WHERE rolname = pg_get_userbyid(d.datdba)), false) FROM pg_database d WHERE d.datname = ${pgLiteral(db)};`,
  );
  return lines.join('\n') + '\n';
}

/**
 * mariadb script (as root over the socket, stopping at the first error): refuses an existing
 * database or user before it changes anything, creates the database, the user (the hash, or
 * unix_socket authentication without a password) with all privileges on it, and prints them.
 */
export function mariadbSql(r: CreateRequest, offline: boolean): string {
  const db = r.database;
  const hosts = r.owner ? (r.remote ? ['localhost', '%'] : ['localhost']) : [];
  const lines: string[] = [];
  // Offline the server runs with --skip-grant-tables: loading them makes account statements work.
  if (offline) lines.push('FLUSH PRIVILEGES;');
  else lines.push('SET SESSION sql_log_off = 1;');
  const checks = [
    `IF EXISTS (SELECT 1 FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = ${myLiteral(db)}) THEN SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = ${myLiteral(`database ${db} already exists`)}; END IF;`,
    ...hosts.map(
      (h) =>
        `IF EXISTS (SELECT 1 FROM mysql.user WHERE User = ${myLiteral(r.owner!)} AND Host = ${myLiteral(h)}) THEN SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = ${myLiteral(`user '${r.owner}'@'${h}' already exists`)}; END IF;`,
    ),
  ];
  lines.push('DELIMITER ;;', `BEGIN NOT ATOMIC ${checks.join(' ')} END;;`, 'DELIMITER ;');
  lines.push(`CREATE DATABASE ${myIdent(db)};`);
  for (const h of hosts) {
    const account = `${myLiteral(r.owner!)}@${myLiteral(h)}`;
    const auth = r.verifier ? `IDENTIFIED BY PASSWORD ${myLiteral(r.verifier)}` : 'IDENTIFIED VIA unix_socket';
    lines.push(`CREATE USER ${account} ${auth};`, `GRANT ALL PRIVILEGES ON ${myIdent(db)}.* TO ${account};`);
  }
  lines.push(
    `SELECT ${myLiteral(RESULT_MARK)}, SCHEMA_NAME, ${r.owner ? `(SELECT GROUP_CONCAT(CONCAT(User, '@', Host) ORDER BY Host SEPARATOR ',') FROM mysql.db WHERE Db = ${myLiteral(db)} AND User = ${myLiteral(r.owner)})` : "''"} FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = ${myLiteral(db)};`,
  );
  return lines.join('\n') + '\n';
}
