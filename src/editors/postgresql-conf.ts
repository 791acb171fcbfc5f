// postgresql.conf, pg_hba.conf and MariaDB option-file snippets, as setup-database changes them
// for network access. Pure: text in, text out.
//
// postgresql.conf: `name = value` (the `=` optional), `#` comments, the last setting of a name
// wins, and `include_dir` pulls in *.conf files of a directory after the line that names it
// (Debian's template ends with include_dir = 'conf.d'). pg_hba.conf: one rule a line, fields
// separated by blanks, first match wins.

export interface PgSetting {
  value: string;
  line: number;
}

/** A setting's value as the server reads it: the last uncommented assignment (quotes removed), or null. */
export function pgSetting(conf: string, name: string): PgSetting | null {
  let found: PgSetting | null = null;
  conf.split('\n').forEach((raw, i) => {
    const m = /^\s*([A-Za-z_][\w.]*)\s*=?\s*('(?:[^'\\]|\\.|'')*'|[^\s#]+)/.exec(raw);
    if (m && m[1]!.toLowerCase() === name.toLowerCase()) found = { value: unquote(m[2]!), line: i + 1 };
  });
  return found;
}

function unquote(v: string): string {
  if (!v.startsWith("'")) return v;
  return v.slice(1, -1).replace(/''/g, "'").replace(/\\(.)/g, '$1');
}

/** `name = 'value'` as a postgresql.conf line. */
export function pgSettingLine(name: string, value: string): string {
  return `${name} = '${value.replace(/\\/g, '\\\\').replace(/'/g, "''")}'`;
}

/** The include_dir the file names (as written, relative to the file's directory when not absolute), or null. */
export function pgIncludeDir(conf: string): string | null {
  return pgSetting(conf, 'include_dir')?.value ?? null;
}

/** A pg_hba.conf rule's fields (comment and blanks gone), or null for a blank/comment line. */
function hbaFields(line: string): string[] | null {
  const text = line.replace(/#.*$/, '').trim();
  return text === '' ? null : text.split(/\s+/);
}

/** The rules setup-database --listen all adds: password logins over the network, any address. */
export function hbaRemoteRules(method = 'scram-sha-256'): string[] {
  return [`host    all             all             0.0.0.0/0               ${method}`, `host    all             all             ::/0                    ${method}`];
}

/** The rules of `wanted` that pg_hba.conf does not have yet (compared field by field). */
export function missingHbaRules(hba: string, wanted: readonly string[]): string[] {
  const have = new Set(hba.split('\n').map(hbaFields).filter((f): f is string[] => f !== null).map((f) => f.join(' ')));
  return wanted.filter((w) => !have.has(hbaFields(w)!.join(' ')));
}

/** MariaDB/MySQL option-file snippet that sets the server's listening address (a later file wins). */
export function myListenSnippet(bindAddress: string): string {
  return `# Written by guestctl setup-database: the address the server listens on.\n[mysqld]\nbind-address = ${bindAddress}\n`;
}
