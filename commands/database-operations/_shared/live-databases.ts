import type { Guest } from '../../../src/guest/types.js';
import { CliError } from '../../../src/util/errors.js';
import { firstLine } from '../../../src/util/run-tool.js';

// The databases of a running server, asked through the engine's own client as the engine's OS
// user (a live guest: the agent runs it as root, runuser switches to postgres; MariaDB's root
// logs in over the socket with unix_socket authentication).

export interface LiveDatabase {
  name: string;
  size: number;
}

const PG_QUERY = 'SELECT datname, pg_database_size(datname) FROM pg_database WHERE datallowconn ORDER BY 1';
const MY_QUERY =
  "SELECT s.schema_name, COALESCE(SUM(t.data_length + t.index_length), 0) FROM information_schema.schemata s LEFT JOIN information_schema.tables t ON t.table_schema = s.schema_name WHERE s.schema_name NOT IN ('information_schema', 'performance_schema', 'sys') GROUP BY s.schema_name ORDER BY 1";

export async function livePgDatabases(guest: Guest, signal: AbortSignal): Promise<LiveDatabase[]> {
  const r = await guest.exec(['runuser', '-u', 'postgres', '--', 'psql', '-AtX', '-F', '\t', '-c', PG_QUERY], { signal });
  if (r.code !== 0) throw new CliError('failed', `psql as postgres: ${firstLine(r.stderr) || `exit status ${r.code}`}`);
  return parseRows(r.stdout);
}

export async function liveMyDatabases(guest: Guest, signal: AbortSignal): Promise<LiveDatabase[]> {
  const r = await guest.exec(['mysql', '-N', '-B', '-e', MY_QUERY], { signal });
  if (r.code !== 0) throw new CliError('failed', `mysql as root: ${firstLine(r.stderr) || `exit status ${r.code}`}`);
  return parseRows(r.stdout);
}

/** Tab-separated "name<TAB>bytes" lines. */
export function parseRows(text: string): LiveDatabase[] {
  return text
    .split('\n')
    .filter((l) => l.includes('\t'))
    .map((l) => {
      const [name, size] = l.split('\t');
      return { name: name!, size: Number(size) };
    });
}
