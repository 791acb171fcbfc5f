// /etc/os-release (and /usr/lib/os-release): KEY=value lines with shell quoting.
// Values may be "double quoted" (backslash escapes $ ` " \ and newline), 'single quoted'
// (literal), unquoted (backslash escapes any character), or a concatenation of these.

const KEY = /[A-Za-z_][A-Za-z0-9_]*/y;
const DOUBLE_QUOTE_ESCAPABLE = new Set(['$', '`', '"', '\\']);

/** Parse os-release text into its fields; later assignments win, invalid lines are skipped. */
export function parseOsRelease(text: string): Record<string, string> {
  const s = text.replace(/\r\n/g, '\n');
  const fields: Record<string, string> = {};
  let i = 0;
  const skipLine = (): void => {
    while (i < s.length && s[i] !== '\n') i++;
  };
  while (i < s.length) {
    while (i < s.length && /[ \t\r\n]/.test(s[i] as string)) i++;
    if (i >= s.length) break;
    if (s[i] === '#') {
      skipLine();
      continue;
    }
    if (s.startsWith('export', i) && /[ \t]/.test(s[i + 6] ?? '')) {
      i += 6;
      while (s[i] === ' ' || s[i] === '\t') i++;
    }
    KEY.lastIndex = i;
    const key = KEY.exec(s)?.[0];
    if (!key || s[i + key.length] !== '=') {
      skipLine();
      continue;
    }
    i += key.length + 1;
    let value = '';
    while (i < s.length && !/[ \t\r\n]/.test(s[i] as string)) {
      const c = s[i] as string;
      if (c === '"') {
        i++;
        while (i < s.length && s[i] !== '"') {
          const next = s[i + 1];
          if (s[i] === '\\' && next !== undefined && (DOUBLE_QUOTE_ESCAPABLE.has(next) || next === '\n')) {
            if (next !== '\n') value += next;
            i += 2;
          } else {
            value += s[i];
            i++;
          }
        }
        i++; // closing quote (or past the end when unterminated)
      } else if (c === "'") {
        const end = s.indexOf("'", i + 1);
        const stop = end === -1 ? s.length : end;
        value += s.slice(i + 1, stop);
        i = stop + 1;
      } else if (c === '\\' && i + 1 < s.length) {
        if (s[i + 1] !== '\n') value += s[i + 1];
        i += 2;
      } else {
        value += c;
        i++;
      }
    }
    fields[key] = value;
    skipLine(); // a trailing comment or anything else after the value
  }
  return fields;
}

/**
 * A short OS name in the libosinfo style: ID followed by VERSION_ID cut to major.minor
 * (debian12, ubuntu22.04, rhel9.3, alpine3.19). Without a version, or with a snapshot-date
 * version (openSUSE Tumbleweed's 20240101), just the ID. ID defaults to "linux".
 */
export function osShortName(fields: Record<string, string>): string {
  const id = (fields.ID ?? '').replace(/\s+/g, '').toLowerCase() || 'linux';
  const version = (fields.VERSION_ID ?? '').trim();
  if (version === '' || /^(19|20)\d{6}$/.test(version)) return id;
  return id + version.split('.').slice(0, 2).join('.').replace(/\s+/g, '');
}
