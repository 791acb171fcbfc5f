import { describe, expect, it } from 'vitest';
import { parseSearch, type SearchFormat } from '../../src/parsers/package-search.js';

// Each manager's search output (as printed by the real tools) → name and summary.

const CASES: [string, SearchFormat, string, [string, string][]][] = [
  ['apt-cache search', 'apt', 'hello - example package based on GNU hello\nhello-traditional - example package - old version\n', [['hello', 'example package based on GNU hello'], ['hello-traditional', 'example package - old version']],],
  ['dnf search: headers skipped, the architecture dropped', 'dnf', 'Last metadata expiration check: 0:01:02 ago.\n======================== Name Exactly Matched: nginx ========================\nnginx.x86_64 : A high performance web server and reverse proxy server\n=========== Name & Summary Matched: nginx ===========\nnginx-mod-http-perl.x86_64 : Nginx HTTP perl module\n', [['nginx', 'A high performance web server and reverse proxy server'], ['nginx-mod-http-perl', 'Nginx HTTP perl module']],],
  ['zypper search', 'zypper', 'S | Name  | Summary                        | Type\n--+-------+--------------------------------+--------\n  | nginx | A HTTP server and IMAP/POP3 proxy server | package\ni | vim   | Vi IMproved                    | package\n', [['nginx', 'A HTTP server and IMAP/POP3 proxy server'], ['vim', 'Vi IMproved']],],
  ['pacman -Ss', 'pacman', 'extra/nginx 1.26.1-1 [installed]\n    Lightweight HTTP server and IMAP/POP3 proxy server\nextra/nginx-mainline 1.27.0-1\n    Lightweight HTTP server (mainline)\n', [['nginx', 'Lightweight HTTP server and IMAP/POP3 proxy server'], ['nginx-mainline', 'Lightweight HTTP server (mainline)']],],
  ['apk search -v -d: the version dropped', 'apk', 'nginx-1.26.1-r0 - HTTP and reverse proxy server\nnginx-mod-http-geoip2-1.26.1-r0 - Nginx module\n', [['nginx', 'HTTP and reverse proxy server'], ['nginx-mod-http-geoip2', 'Nginx module']],],
];

describe('parseSearch', () => {
  it.each(CASES)('%s', (_title, format, output, rows) => {
    expect(parseSearch(format, output)).toEqual(rows.map(([name, summary]) => ({ name, summary })));
  });
});
