// The search output of each package manager → rows of name and summary. Pure.

export interface SearchRow {
  name: string;
  summary: string;
}

export type SearchFormat = 'apt' | 'dnf' | 'yum' | 'zypper' | 'pacman' | 'apk';

export function parseSearch(format: SearchFormat, stdout: string): SearchRow[] {
  const lines = stdout.split('\n').map((l) => l.replace(/\r$/, ''));
  switch (format) {
    case 'apt':
      return splitRows(lines, ' - ');
    case 'dnf':
    case 'yum':
      // "name.arch : summary", under "=== Name Matched: x ===" headers
      return splitRows(lines.filter((l) => !/^[=\s]*=+ /.test(l) && !/^Last metadata/.test(l)), ' : ').map((r) => ({ ...r, name: r.name.replace(/\.[^.]+$/, '') }));
    case 'zypper':
      return parseZypper(lines);
    case 'pacman':
      return parsePacman(lines);
    case 'apk':
      // "name-1.2-r0 - description": the version is dropped
      return splitRows(lines, ' - ').map((r) => ({ ...r, name: r.name.replace(/-\d[^-]*-r\d+$/, '') }));
  }
}

function splitRows(lines: string[], sep: string): SearchRow[] {
  const rows: SearchRow[] = [];
  for (const l of lines) {
    const i = l.indexOf(sep);
    if (i <= 0) continue;
    rows.push({ name: l.slice(0, i).trim(), summary: l.slice(i + sep.length).trim() });
  }
  return rows;
}

/** "S | Name | Summary | Type" table rows after the header rule. */
function parseZypper(lines: string[]): SearchRow[] {
  const rows: SearchRow[] = [];
  for (const l of lines) {
    const cells = l.split('|').map((c) => c.trim());
    if (cells.length < 3 || cells[1] === 'Name' || /^-+$/.test(cells[1] ?? '')) continue;
    rows.push({ name: cells[1]!, summary: cells[2]! });
  }
  return rows;
}

/** "repo/name version [installed]" then the summary indented on the next line. */
function parsePacman(lines: string[]): SearchRow[] {
  const rows: SearchRow[] = [];
  for (const l of lines) {
    const head = l.match(/^[^\s/]+\/(\S+)\s/);
    if (head) rows.push({ name: head[1]!, summary: '' });
    else if (/^\s+\S/.test(l) && rows.length) rows[rows.length - 1]!.summary = l.trim();
  }
  return rows;
}
