import { describe, expect, it } from 'vitest';
import { findUser, parseId, parsePasswd, passwdUsers, splitLines } from '../../src/parsers/passwd.js';

const DEBIAN = `root:x:0:0:root:/root:/bin/bash
daemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin
bin:x:2:2:bin:/bin:/usr/sbin/nologin
sys:x:3:3:sys:/dev:/usr/sbin/nologin
sync:x:4:65534:sync:/bin:/bin/sync
www-data:x:33:33:www-data:/var/www:/usr/sbin/nologin
nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin
systemd-network:x:998:998:systemd Network Management:/:/usr/sbin/nologin
messagebus:x:100:107::/nonexistent:/usr/sbin/nologin
sshd:x:101:65534::/run/sshd:/usr/sbin/nologin
alice:x:1000:1000:Alice Example,,,:/home/alice:/bin/bash
`;

describe('parsePasswd', () => {
  it('reads a Debian passwd', () => {
    const entries = parsePasswd(DEBIAN);
    expect(entries).toHaveLength(11);
    expect(entries.every((e) => e.kind === 'user')).toBe(true);
    expect(entries[10]).toEqual({
      kind: 'user',
      name: 'alice',
      password: 'x',
      uid: 1000,
      gid: 1000,
      gecos: 'Alice Example,,,',
      home: '/home/alice',
      shell: '/bin/bash',
      line: 11,
      raw: 'alice:x:1000:1000:Alice Example,,,:/home/alice:/bin/bash',
    });
    expect(entries[8]).toMatchObject({ name: 'messagebus', gecos: '' });
  });

  it('keeps NIS, comments, blank and malformed lines as raw entries', () => {
    const text = [
      '# local users',
      'root:x:0:0:root:/root:/bin/bash',
      '',
      'broken line without colons',
      'short:x:5:5',
      'baduid:x:abc:5::/:/bin/sh',
      'negative:x:-1:5::/:/bin/sh',
      'huge:x:4294967295:5::/:/bin/sh',
      ':x:7:7::/:/bin/sh',
      'nologin:*:12:12:No shell::',
      '+@admins::::::',
      '-baduser',
      '+',
    ].join('\n');
    const entries = parsePasswd(text);
    expect(entries.map((e) => e.kind)).toEqual([
      'comment', 'user', 'blank', 'invalid', 'invalid', 'invalid', 'invalid', 'invalid', 'invalid', 'user', 'nis', 'nis', 'nis',
    ]);
    expect(entries.map((e) => e.raw).join('\n')).toBe(text);
    expect(entries[4]).toMatchObject({ reason: 'expected 7 fields, found 4', line: 5 });
    expect(entries[5]).toMatchObject({ reason: "bad uid 'abc'" });
    expect(entries[7]).toMatchObject({ reason: "bad uid '4294967295'" });
    expect(entries[8]).toMatchObject({ reason: 'empty user name' });
    expect(entries[9]).toMatchObject({ name: 'nologin', password: '*', home: '', shell: '' });
    expect(passwdUsers(entries).map((u) => u.name)).toEqual(['root', 'nologin']);
  });

  it('handles CRLF without putting \\r into the shell', () => {
    const entries = parsePasswd('root:x:0:0:root:/root:/bin/bash\r\nbob:x:1001:1001::/home/bob:/bin/zsh\r\n');
    expect(entries).toHaveLength(2);
    expect(entries[1]).toMatchObject({ shell: '/bin/zsh', raw: 'bob:x:1001:1001::/home/bob:/bin/zsh\r' });
  });

  it('handles empty text and a missing final newline', () => {
    expect(parsePasswd('')).toEqual([]);
    expect(splitLines('a\nb')).toEqual(['a', 'b']);
    expect(splitLines('a\nb\n')).toEqual(['a', 'b']);
    expect(splitLines('a\n\n')).toEqual(['a', '']);
  });
});

describe('findUser', () => {
  const entries = parsePasswd(`${DEBIAN}1001:x:1002:1002:numeric name:/home/1001:/bin/sh\n+nisuser::::::\n`);
  it.each<[string | number, string | undefined]>([
    ['root', 'root'],
    [0, 'root'],
    ['0', 'root'],
    [33, 'www-data'],
    ['65534', 'nobody'],
    ['1001', '1001'], // a name wins over a uid, like chown
    [1001, undefined],
    ['1002', '1001'],
    ['nobody2', undefined],
    ['+nisuser', undefined],
    ['', undefined],
  ])('%j → %j', (query, name) => expect(findUser(entries, query)?.name).toBe(name));

  it('parseId bounds', () => {
    expect(parseId('0')).toBe(0);
    expect(parseId('4294967294')).toBe(4294967294);
    expect(parseId('4294967295')).toBeNull();
    expect(parseId(' 1')).toBeNull();
    expect(parseId('1e3')).toBeNull();
    expect(parseId('')).toBeNull();
  });
});
