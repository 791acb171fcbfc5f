import { describe, expect, it } from 'vitest';
import { canonicalName, ensureHostsEntry, isReservedHostName, lookupHost, parseHosts, renameHost } from '../../src/editors/hosts.js';

// Real /etc/hosts files as distros and installers write them.

const DEBIAN = `127.0.0.1	localhost
127.0.1.1	deb12-fixture

# The following lines are desirable for IPv6 capable hosts
::1     localhost ip6-localhost ip6-loopback
ff02::1 ip6-allnodes
ff02::2 ip6-allrouters
`;

const DEBIAN_INSTALLER_FQDN = `127.0.0.1	localhost
127.0.1.1	old.example.org	old

# The following lines are desirable for IPv6 capable hosts
::1     localhost ip6-localhost ip6-loopback
ff02::1 ip6-allnodes
ff02::2 ip6-allrouters
`;

const RHEL = `127.0.0.1   localhost localhost.localdomain localhost4 localhost4.localdomain4
::1         localhost localhost.localdomain localhost6 localhost6.localdomain6
`;

const UBUNTU_CLOUD = `# Your system has configured 'manage_etc_hosts' as True.
# As a result, if you wish for changes to this file to persist
# then you will need to either
# a.) make changes to the master file in /etc/cloud/templates/hosts.debian.tmpl
127.0.1.1 old.lan old
127.0.0.1 localhost

# The following lines are desirable for IPv6 capable hosts
::1 localhost ip6-localhost ip6-loopback
ff02::1 ip6-allnodes
ff02::2 ip6-allrouters
10.0.0.5\toldish   old-db    # not this host
10.0.0.6 db.old.example.org`;

describe('parseHosts / lookupHost / canonicalName', () => {
  it('reads entries, skipping comments and blank lines, stopping at #', () => {
    const e = parseHosts(UBUNTU_CLOUD);
    expect(e[0]).toEqual({ line: 4, address: '127.0.1.1', names: ['old.lan', 'old'] });
    expect(e.find((x) => x.address === '10.0.0.5')?.names).toEqual(['oldish', 'old-db']);
    expect(e.find((x) => x.address === '::1')?.names).toEqual(['localhost', 'ip6-localhost', 'ip6-loopback']);
  });

  it('looks names up case-insensitively, first match wins, canonical is the first name', () => {
    expect(lookupHost(DEBIAN_INSTALLER_FQDN, 'OLD')?.address).toBe('127.0.1.1');
    expect(canonicalName(DEBIAN_INSTALLER_FQDN, 'old')).toBe('old.example.org');
    expect(canonicalName(DEBIAN, 'deb12-fixture')).toBe('deb12-fixture');
    expect(canonicalName(DEBIAN, 'nope')).toBeUndefined();
  });

  it('knows the loopback names that are never renamed', () => {
    for (const n of ['localhost', 'localhost.localdomain', 'localhost4', 'localhost6.localdomain6', 'ip6-localhost', 'ip6-loopback', 'LOCALHOST']) {
      expect(isReservedHostName(n), n).toBe(true);
    }
    expect(isReservedHostName('localhostile')).toBe(false);
    expect(isReservedHostName('web01')).toBe(false);
  });
});

describe('renameHost', () => {
  const lines = (s: string) => s.split('\n');

  it('Debian: only the 127.0.1.1 line changes, every other byte stays', () => {
    const out = renameHost(DEBIAN, { oldNames: ['deb12-fixture'], newName: 'web01' });
    expect(out).toBe(DEBIAN.replace('127.0.1.1\tdeb12-fixture', '127.0.1.1\tweb01'));
  });

  it('an FQDN goes in front of the short name (canonical first), with the line\'s own separator', () => {
    const out = renameHost(DEBIAN, { oldNames: ['deb12-fixture'], newName: 'web01.example.com' });
    expect(lines(out)[1]).toBe('127.0.1.1\tweb01.example.com\tweb01');
  });

  it('FQDN forms: with an FQDN given they become it; with a short name the domain stays', () => {
    expect(lines(renameHost(DEBIAN_INSTALLER_FQDN, { oldNames: ['old'], newName: 'new.corp.test' }))[1]).toBe('127.0.1.1\tnew.corp.test\tnew');
    expect(lines(renameHost(DEBIAN_INSTALLER_FQDN, { oldNames: ['old'], newName: 'new' }))[1]).toBe('127.0.1.1\tnew.example.org\tnew');
  });

  it('whole names only: old-db, oldish and db.old.example.org are other hosts', () => {
    const out = renameHost(UBUNTU_CLOUD, { oldNames: ['old'], newName: 'new' });
    expect(lines(out)[4]).toBe('127.0.1.1 new.lan new');
    expect(lines(out).slice(5)).toEqual(lines(UBUNTU_CLOUD).slice(5));
    expect(lines(out).slice(0, 4)).toEqual(lines(UBUNTU_CLOUD).slice(0, 4));
    expect(out.endsWith('db.old.example.org')).toBe(true); // no trailing newline, kept
  });

  it('keeps a trailing comment and odd spacing on the changed line', () => {
    const text = '192.168.1.10    OLD.example.net   old   # static\t address\n';
    expect(renameHost(text, { oldNames: ['old.example.net'], newName: 'web01' })).toBe('192.168.1.10    web01.example.net   web01   # static\t address\n');
  });

  it('never renames localhost, even when /etc/hostname said localhost or localhost.localdomain', () => {
    expect(renameHost(RHEL, { oldNames: ['localhost.localdomain'], newName: 'web01' })).toBe(RHEL);
    expect(renameHost(DEBIAN, { oldNames: ['localhost'], newName: 'web01' })).toBe(DEBIAN);
  });

  it('drops names that would repeat on a line', () => {
    expect(renameHost('127.0.1.1 old.example.org old web01\n', { oldNames: ['old'], newName: 'web01' })).toBe('127.0.1.1 web01.example.org web01\n');
  });

  it('leaves commented-out lines and CRLF endings alone', () => {
    const text = '#127.0.1.1 old\r\n127.0.1.1 old\r\n';
    expect(renameHost(text, { oldNames: ['old'], newName: 'new' })).toBe('#127.0.1.1 old\r\n127.0.1.1 new\r\n');
  });

  it('no old name: unchanged', () => {
    expect(renameHost(DEBIAN, { oldNames: [], newName: 'x' })).toBe(DEBIAN);
  });
});

describe('ensureHostsEntry', () => {
  it('adds the 127.0.1.1 line right after 127.0.0.1 when the name is mapped nowhere', () => {
    const text = '127.0.0.1 localhost\n::1 localhost ip6-localhost\n';
    expect(ensureHostsEntry(text, '127.0.1.1', ['web01.example.com', 'web01'])).toBe('127.0.0.1 localhost\n127.0.1.1\tweb01.example.com web01\n::1 localhost ip6-localhost\n');
  });

  it('leaves a file that already maps the name (to any address) alone', () => {
    expect(ensureHostsEntry(DEBIAN, '127.0.1.1', ['deb12-fixture'])).toBe(DEBIAN);
    const staticIp = '127.0.0.1 localhost\n192.168.1.10 web01.example.com web01\n';
    expect(ensureHostsEntry(staticIp, '127.0.1.1', ['web01'])).toBe(staticIp);
  });

  it('without a 127.0.0.1 line: before the first entry; keeps a missing final newline', () => {
    expect(ensureHostsEntry('# hosts\n::1 localhost', '127.0.1.1', ['h'])).toBe('# hosts\n127.0.1.1\th\n::1 localhost');
    expect(ensureHostsEntry('127.0.0.1 localhost', '127.0.1.1', ['h'])).toBe('127.0.0.1 localhost\n127.0.1.1\th');
  });

  it('comments only or no file: the line is appended / the file created', () => {
    expect(ensureHostsEntry('# empty\n', '127.0.1.1', ['h'])).toBe('# empty\n127.0.1.1\th\n');
    expect(ensureHostsEntry('# empty', '127.0.1.1', ['h'])).toBe('# empty\n127.0.1.1\th\n');
    expect(ensureHostsEntry(null, '127.0.1.1', ['h'])).toBe('127.0.1.1\th\n');
  });
});
