import { describe, expect, it } from 'vitest';
import { parseConffiles, parseMd5sums } from '../../src/parsers/md5sums.js';
import { parseRpmVerify } from '../../src/parsers/rpm-verify.js';
import { dpkgLiteralPattern, parseDpkgSearch, parseRpmOwners } from '../../src/parsers/package-owners.js';
import { permFindings } from '../../src/audit/perm-findings.js';
import { rpmFinding } from '../../src/audit/rpm-verify.js';
import { usrMergeAlias } from '../../src/audit/package-owners.js';
import { sortFindings } from '../../src/audit/finding.js';

const ids = { uids: new Set([0, 1000]), gids: new Set([0, 42, 1000]) };
const kinds = (e: Parameters<typeof permFindings>[0]) => permFindings(e, ids).map((f) => `${f.severity} ${f.kind}`);

describe('audit-perms rules', () => {
  it('world-writable: files and non-sticky directories, never symlinks or /tmp-like dirs', () => {
    expect(kinds({ path: '/etc/cron.d/x', type: 'file', mode: 0o666, uid: 0, gid: 0 })).toEqual(['high world-writable']);
    expect(kinds({ path: '/srv/d', type: 'directory', mode: 0o777, uid: 0, gid: 0 })).toEqual(['high world-writable']);
    expect(kinds({ path: '/tmp', type: 'directory', mode: 0o1777, uid: 0, gid: 0 })).toEqual([]);
    expect(kinds({ path: '/bin', type: 'symlink', mode: 0o777, uid: 0, gid: 0 })).toEqual([]);
  });
  it('orphan owners and unsafe sensitive modes', () => {
    expect(kinds({ path: '/srv/o', type: 'file', mode: 0o644, uid: 4242, gid: 4242 })).toEqual(['medium orphan-uid', 'medium orphan-gid']);
    expect(kinds({ path: '/etc/shadow', type: 'file', mode: 0o640, uid: 0, gid: 42 })).toEqual([]);
    expect(kinds({ path: '/etc/shadow', type: 'file', mode: 0o644, uid: 0, gid: 42 })).toEqual(['high unsafe-shadow']);
    expect(kinds({ path: '/etc/sudoers.d/x', type: 'file', mode: 0o460, uid: 0, gid: 0 })).toEqual(['high unsafe-sudoers']);
    expect(kinds({ path: '/etc/ssh/ssh_host_ed25519_key', type: 'file', mode: 0o640, uid: 0, gid: 0 })).toEqual([]);
    expect(kinds({ path: '/etc/ssh/ssh_host_ed25519_key', type: 'file', mode: 0o604, uid: 0, gid: 0 })).toEqual(['high unsafe-host-key']);
    expect(kinds({ path: '/home/ann/.ssh/authorized_keys', type: 'file', mode: 0o664, uid: 1000, gid: 1000 })).toEqual(['high unsafe-ssh-dir']);
    expect(kinds({ path: '/home/ann', type: 'directory', mode: 0o757, uid: 1000, gid: 1000 })).toEqual(['high world-writable', 'high unsafe-home']);
  });
  it('sorts worst first', () => {
    const f = (severity: 'high' | 'info', path: string) => ({ severity, kind: 'k', path, detail: '' });
    expect(sortFindings([f('info', '/a'), f('high', '/b')]).map((x) => x.path)).toEqual(['/b', '/a']);
  });
});

describe('package database parsers', () => {
  it('md5sums lines and the Conffiles field', () => {
    expect(parseMd5sums('8d7a1e0f7f8b2ef1c56f1b0c0cd9e9f3  usr/bin/less\n')).toEqual([{ path: '/usr/bin/less', md5: '8d7a1e0f7f8b2ef1c56f1b0c0cd9e9f3' }]);
    expect(() => parseMd5sums('garbage\n')).toThrow(/not an md5sums line/);
    const field = '\n/etc/adduser.conf cc3493ecd2d09837ffdcc3e25fdfff18\n/etc/old.conf 11a06baf8245fd8d690b99024d228c1f obsolete\n/etc/new.conf newconffile';
    expect(parseConffiles(field)).toEqual([{ path: '/etc/adduser.conf', md5: 'cc3493ecd2d09837ffdcc3e25fdfff18' }]);
  });
  it('rpm -Va lines', () => {
    const { lines, other } = parseRpmVerify('S.5....T.  c /etc/ssh/sshd_config\nmissing     /usr/bin/gone\n.M.......    /usr/bin/x\n..5......    /usr/bin/ls\n');
    expect(other).toEqual([]);
    expect(lines.map((l) => `${rpmFinding(l).severity} ${rpmFinding(l).kind} ${l.path}`)).toEqual([
      'low changed-config /etc/ssh/sshd_config',
      'medium missing-file /usr/bin/gone',
      'info changed-attributes /usr/bin/x',
      'high changed-binary /usr/bin/ls',
    ]);
  });
  it('dpkg-query -S and rpm -qf answers', () => {
    const out = 'util-linux: /bin/su\ndiversion by dash from: /bin/sh\nlibc6:amd64, libc6:i386: /usr/share/doc/libc6\n';
    const m = parseDpkgSearch(out);
    expect(m.get('/bin/su')).toEqual(['util-linux']);
    expect(m.get('/usr/share/doc/libc6')).toEqual(['libc6:amd64', 'libc6:i386']);
    expect(m.has('/bin/sh')).toBe(false);
    expect(dpkgLiteralPattern('/tmp/a*b')).toBe('/tmp/a\\*b');
    expect(parseRpmOwners('shadow-utils\nfile /tmp/sh is not owned by any package\n', ['/usr/bin/passwd', '/tmp/sh'])).toEqual(new Map([['/usr/bin/passwd', ['shadow-utils']], ['/tmp/sh', []]]));
    expect(() => parseRpmOwners('a\nb\n', ['/x'])).toThrow(/2 answers for 1 paths/);
  });
  it('usr-merge aliases', () => {
    expect(usrMergeAlias('/usr/bin/su')).toBe('/bin/su');
    expect(usrMergeAlias('/sbin/x')).toBe('/usr/sbin/x');
    expect(usrMergeAlias('/usr/local/bin/x')).toBe(null);
  });
});
