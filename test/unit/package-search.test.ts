import { describe, expect, it } from 'vitest';
import { parseSearch } from '../../src/parsers/package-search.js';

// Each manager's search output (as printed by the real tools) → name and summary.

describe('parseSearch', () => {
  it('apt-cache search', () => {
    expect(parseSearch('apt', 'hello - example package based on GNU hello\nhello-traditional - example package - old version\n')).toEqual([
      { name: 'hello', summary: 'example package based on GNU hello' },
      { name: 'hello-traditional', summary: 'example package - old version' },
    ]);
  });

  it('dnf search: headers skipped, the architecture dropped', () => {
    const out = 'Last metadata expiration check: 0:01:02 ago.\n======================== Name Exactly Matched: nginx ========================\nnginx.x86_64 : A high performance web server and reverse proxy server\n=========== Name & Summary Matched: nginx ===========\nnginx-mod-http-perl.x86_64 : Nginx HTTP perl module\n';
    expect(parseSearch('dnf', out)).toEqual([
      { name: 'nginx', summary: 'A high performance web server and reverse proxy server' },
      { name: 'nginx-mod-http-perl', summary: 'Nginx HTTP perl module' },
    ]);
  });

  it('zypper search', () => {
    const out = 'S | Name  | Summary                        | Type\n--+-------+--------------------------------+--------\n  | nginx | A HTTP server and IMAP/POP3 proxy server | package\ni | vim   | Vi IMproved                    | package\n';
    expect(parseSearch('zypper', out)).toEqual([
      { name: 'nginx', summary: 'A HTTP server and IMAP/POP3 proxy server' },
      { name: 'vim', summary: 'Vi IMproved' },
    ]);
  });

  it('pacman -Ss', () => {
    const out = 'extra/nginx 1.26.1-1 [installed]\n    Lightweight HTTP server and IMAP/POP3 proxy server\nextra/nginx-mainline 1.27.0-1\n    Lightweight HTTP server (mainline)\n';
    expect(parseSearch('pacman', out)).toEqual([
      { name: 'nginx', summary: 'Lightweight HTTP server and IMAP/POP3 proxy server' },
      { name: 'nginx-mainline', summary: 'Lightweight HTTP server (mainline)' },
    ]);
  });

  it('apk search -v -d', () => {
    expect(parseSearch('apk', 'nginx-1.26.1-r0 - HTTP and reverse proxy server\nnginx-mod-http-geoip2-1.26.1-r0 - Nginx module\n')).toEqual([
      { name: 'nginx', summary: 'HTTP and reverse proxy server' },
      { name: 'nginx-mod-http-geoip2', summary: 'Nginx module' },
    ]);
  });
});
