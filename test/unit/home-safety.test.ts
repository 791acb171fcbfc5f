// Which homes deluser --remove-home keeps, judged from the path and the other accounts' homes.
import { describe, expect, it } from 'vitest';
import { homeRefusalByPath, isSystemDirectory } from '../../src/users/home-safety.js';

describe('isSystemDirectory', () => {
  it.each([
    '/', '/usr', '/usr/sbin', '/usr/local/games', '/bin', '/sbin/', '/lib', '/lib64', '/libx32/x', '/libexec', '/etc', '/etc/ssh', '/var', '/var/',
    '/var/lib', '/var/spool', '/var/mail', '/var/run', '/boot', '/boot/efi', '/dev', '/proc', '/sys', '/run', '/run/sshd', '/nonexistent',
    '/root', '/home', '/tmp', '/srv', '/opt', '/mnt', '/var//lib/', '/usr/../usr/bin',
  ])('%s is a system directory', (p) => expect(isSystemDirectory(p)).toBe(true));

  it.each(['/home/alice', '/var/lib/postgresql', '/var/spool/news', '/srv/www', '/opt/app', '/data/alice', '/library', '/homes/x', '/tmp/x'])(
    '%s is not',
    (p) => expect(isSystemDirectory(p)).toBe(false),
  );
});

describe('homeRefusalByPath', () => {
  const users = [
    { name: 'alice', home: '/home/alice' },
    { name: 'bob', home: '/home/alice/' },
    { name: 'carol', home: '/srv/team' },
    { name: 'dave', home: '/srv/team/dave' },
    { name: 'erin', home: '/home/erin' },
  ];
  it('keeps shared homes, homes holding another home, empty and relative homes', () => {
    expect(homeRefusalByPath(users[0]!, users)).toBe("it is also the home of 'bob'");
    expect(homeRefusalByPath(users[2]!, users)).toBe("the home of 'dave' (/srv/team/dave) is inside it");
    expect(homeRefusalByPath({ name: 'x', home: '' }, users)).toBe('the home field is empty');
    expect(homeRefusalByPath({ name: 'x', home: 'home/x' }, users)).toBe('the home field is not an absolute path (home/x)');
    expect(homeRefusalByPath({ name: 'x', home: '/usr/sbin' }, users)).toBe('it is a system directory');
  });
  it('lets an ordinary home go', () => {
    expect(homeRefusalByPath(users[3]!, users)).toBeNull();
    expect(homeRefusalByPath(users[4]!, users)).toBeNull();
  });
});
