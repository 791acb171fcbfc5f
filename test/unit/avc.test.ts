import { describe, expect, it } from 'vitest';
import { contextType, groupDenials, parseAvcLine, parseAvcLog, parseSince } from '../../src/parsers/avc.js';
import { parseSelinuxContext } from '../../src/parsers/selinux-context.js';
import { parseSetfilesOutput } from '../../src/parsers/setfiles.js';

// Real audit.log lines: RHEL 9 / Fedora (enriched format: interpreted fields after a 0x1d byte,
// USER_AVC from systemd, node= prefix) and Debian 12 (raw format), with the SYSCALL, PATH and
// PROCTITLE records auditd writes between them, and a `granted` record (setenforce).

const GS = '\x1d';
const RHEL_LOG = [
  `type=AVC msg=audit(1700000000.123:456): avc:  denied  { read write } for  pid=1234 comm="httpd" name="index.html" dev="vda1" ino=5678 scontext=system_u:system_r:httpd_t:s0 tcontext=unconfined_u:object_r:user_home_t:s0 tclass=file permissive=0`,
  `type=SYSCALL msg=audit(1700000000.123:456): arch=c000003e syscall=257 success=no exit=-13 a0=ffffff9c a1=7f a2=80000 a3=0 items=1 ppid=1 pid=1234 auid=4294967295 uid=48 gid=48 euid=48 suid=48 fsuid=48 egid=48 sgid=48 fsgid=48 tty=(none) ses=4294967295 comm="httpd" exe="/usr/sbin/httpd" subj=system_u:system_r:httpd_t:s0 key=(null)${GS}ARCH=x86_64 SYSCALL=openat AUID="unset" UID="apache"`,
  `type=CWD msg=audit(1700000000.123:456): cwd="/"`,
  `type=PATH msg=audit(1700000000.123:456): item=0 name="/home/alice/public_html/index.html" inode=5678 dev=fd:01 mode=0100644 ouid=1000 ogid=1000 rdev=00:00 obj=unconfined_u:object_r:user_home_t:s0 nametype=NORMAL cap_fp=0 cap_fi=0 cap_fe=0 cap_fver=0 cap_frootid=0${GS}OUID="alice" OGID="alice"`,
  `type=PROCTITLE msg=audit(1700000000.123:456): proctitle=2F7573722F7362696E2F6874747064002D44464F524547524F554E44`,
  `type=AVC msg=audit(1700000060.500:457): avc:  denied  { read } for  pid=1234 comm="httpd" path="/home/alice/public_html/b.html" dev="vda1" ino=5679 scontext=system_u:system_r:httpd_t:s0 tcontext=unconfined_u:object_r:user_home_t:s0 tclass=file permissive=0${GS}`,
  `node=web1 type=AVC msg=audit(1700003600.000:500): avc:  denied  { name_connect } for  pid=1234 comm="httpd" dest=5432 scontext=system_u:system_r:httpd_t:s0 tcontext=system_u:object_r:postgresql_port_t:s0 tclass=tcp_socket permissive=0`,
  `type=USER_AVC msg=audit(1700007200.000:600): pid=1 uid=0 auid=4294967295 ses=4294967295 subj=system_u:system_r:init_t:s0 msg='avc:  denied  { status } for auid=n/a uid=0 gid=0 cmdline="/usr/bin/systemctl status" function="mac_selinux_filter" scontext=system_u:system_r:unconfined_service_t:s0 tcontext=system_u:system_r:init_t:s0 tclass=system permissive=0  exe="/usr/lib/systemd/systemd" sauid=0 hostname=? addr=? terminal=?'${GS}UID="root" AUID="unset"`,
  `type=AVC msg=audit(1700007300.000:601): avc:  granted  { setenforce } for  pid=2000 comm="setenforce" scontext=unconfined_u:unconfined_r:unconfined_t:s0-s0:c0.c1023 tcontext=system_u:object_r:security_t:s0 tclass=security`,
].join('\n');

const DEBIAN_LOG = [
  `type=DAEMON_START msg=audit(1715000000.000:8512): op=start ver=3.0.9 format=raw kernel=6.1.0-21-amd64 auid=4294967295 pid=412 uid=0 ses=4294967295 subj=system_u:system_r:auditd_t:s0 res=success`,
  `type=AVC msg=audit(1715000100.250:120): avc:  denied  { getattr } for  pid=900 comm="sshd" path="/home/bob/.ssh/authorized_keys" dev="sda1" ino=131090 scontext=system_u:system_r:sshd_t:s0-s15:c0.c1023 tcontext=system_u:object_r:user_tmp_t:s0 tclass=file permissive=1`,
  `type=SYSCALL msg=audit(1715000100.250:120): arch=c000003e syscall=262 success=yes exit=0 a0=ffffff9c a1=55d a2=7ffd a3=0 items=0 ppid=412 pid=900 auid=4294967295 uid=0 gid=0 euid=0 suid=0 fsuid=0 egid=0 sgid=0 fsgid=0 tty=(none) ses=4294967295 comm="sshd" exe="/usr/sbin/sshd" subj=system_u:system_r:sshd_t:s0-s15:c0.c1023 key=(null)`,
  `type=AVC msg=audit(1715000100.260:121): avc:  denied  { read } for  pid=900 comm="sshd" name="authorized_keys" dev="sda1" ino=131090 scontext=system_u:system_r:sshd_t:s0-s15:c0.c1023 tcontext=system_u:object_r:user_tmp_t:s0 tclass=file permissive=1`,
  `type=AVC msg=audit(1715000200.000:130): avc:  denied  { getattr } for  pid=950 comm=6D79206170702E7368 path="/srv/x" dev="sda1" ino=5 scontext=system_u:system_r:sshd_t:s0-s15:c0.c1023 tcontext=system_u:object_r:user_tmp_t:s0 tclass=file permissive=1`,
].join('\n');

describe('AVC records', () => {
  it('takes AVC and USER_AVC lines (node= prefix, enriched tail) and skips SYSCALL, PATH, PROCTITLE', () => {
    const recs = parseAvcLog(RHEL_LOG);
    expect(recs.map((r) => [r.serial, r.decision, r.permissions.join(' '), contextType(r.scontext), contextType(r.tcontext), r.tclass, r.comm, r.path])).toEqual([
      [456, 'denied', 'read write', 'httpd_t', 'user_home_t', 'file', 'httpd', 'index.html'],
      [457, 'denied', 'read', 'httpd_t', 'user_home_t', 'file', 'httpd', '/home/alice/public_html/b.html'],
      [500, 'denied', 'name_connect', 'httpd_t', 'postgresql_port_t', 'tcp_socket', 'httpd', null],
      [600, 'denied', 'status', 'unconfined_service_t', 'init_t', 'system', '/usr/lib/systemd/systemd', null],
      [601, 'granted', 'setenforce', 'unconfined_t', 'security_t', 'security', 'setenforce', null],
    ]);
    expect(recs[0]!.time).toBeCloseTo(1700000000.123, 3);
    expect(recs[0]!.permissive).toBe(false);
    expect(recs[1]!.line.endsWith('permissive=0')).toBe(true); // the enriched tail is not passed on
  });

  it('decodes a hex comm (a name with a space) and reads permissive=1 (Debian)', () => {
    const recs = parseAvcLog(DEBIAN_LOG);
    expect(recs.map((r) => [r.comm, r.permissive])).toEqual([
      ['sshd', true],
      ['sshd', true],
      ['my app.sh', true],
    ]);
  });

  it('refuses lines that only look like AVC records', () => {
    expect(parseAvcLine('type=AVC msg=audit(1700000000.123:456): avc:  denied  { read } for pid=1')).toBeNull(); // no contexts
    expect(parseAvcLine('type=AVC_PATH msg=audit(1700000000.123:456): path="/x"')).toBeNull();
    expect(parseAvcLine('Nov 14 22:13:20 host kernel: something about avc:  denied')).toBeNull();
  });

  it('groups denials (never grants) by source, target, class and permission, with counts and first/last', () => {
    const groups = groupDenials(parseAvcLog(`${RHEL_LOG}\n${DEBIAN_LOG}`));
    expect(groups.map((g) => [g.count, g.source, g.target, g.tclass, g.permission, g.first, g.last, g.comm])).toEqual([
      [2, 'httpd_t', 'user_home_t', 'file', 'read', 1700000000.123, 1700000060.5, 'httpd'],
      [2, 'sshd_t', 'user_tmp_t', 'file', 'getattr', 1715000100.25, 1715000200, 'sshd'],
      [1, 'httpd_t', 'postgresql_port_t', 'tcp_socket', 'name_connect', 1700003600, 1700003600, 'httpd'],
      [1, 'httpd_t', 'user_home_t', 'file', 'write', 1700000000.123, 1700000000.123, 'httpd'],
      [1, 'sshd_t', 'user_tmp_t', 'file', 'read', 1715000100.26, 1715000100.26, 'sshd'],
      [1, 'unconfined_service_t', 'init_t', 'system', 'status', 1700007200, 1700007200, '/usr/lib/systemd/systemd'],
    ]);
  });
});

describe('--since', () => {
  const now = new Date('2024-05-10T12:00:00Z');
  it.each([
    ['2024-05-01', '2024-05-01T00:00:00.000Z'],
    ['2024-05-01T10:30:00Z', '2024-05-01T10:30:00.000Z'],
    ['2024-05-01T10:30:00+02:00', '2024-05-01T08:30:00.000Z'],
    ['30m', '2024-05-10T11:30:00.000Z'],
    ['12h', '2024-05-10T00:00:00.000Z'],
    ['2d', '2024-05-08T12:00:00.000Z'],
  ])('%s', (text, iso) => expect(parseSince(text, now)?.toISOString()).toBe(iso));
  it.each(['yesterday', '2h30m', '2024-13-45', '-1d', ''])('refuses %j', (text) => expect(parseSince(text, now)).toBeNull());
});

describe('SELinux contexts', () => {
  it.each([
    ['system_u:object_r:etc_t:s0', 'etc_t', 's0'],
    ['unconfined_u:unconfined_r:unconfined_t:s0-s0:c0.c1023', 'unconfined_t', 's0-s0:c0.c1023'],
    ['system_u:system_r:sshd_t:s0-s15:c0.c1023', 'sshd_t', 's0-s15:c0.c1023'],
    ['user_u:object_r:user_home_t:s0:c1,c5.c9', 'user_home_t', 's0:c1,c5.c9'],
    ['system_u:object_r:etc_t', 'etc_t', null],
  ])('%s', (text, type, level) => expect(parseSelinuxContext(text)).toMatchObject({ type, level }));
  it.each(['etc_t', 'a:b', 'system_u:object_r:etc_t:', 'system_u:object_r:etc_t:x0', 'system_u:object_r:etc t:s0', 'u:r:t:s0-', 'u:r:t:s0;rm'])('refuses %j', (text) =>
    expect(parseSelinuxContext(text)).toBeNull(),
  );
});

describe('setfiles -v output', () => {
  it('relabels (would / did, from a missing label) and paths the policy gives no label', () => {
    const out = [
      'Would relabel /etc/shadow from (null) to system_u:object_r:shadow_t:s0',
      'Relabeled /etc/passwd from system_u:object_r:shadow_t:s0 to system_u:object_r:etc_t:s0',
      'Warning no default label for /tmp/lnk',
    ].join('\n');
    expect(parseSetfilesOutput(out)).toEqual({
      relabels: [
        { path: '/etc/shadow', from: null, to: 'system_u:object_r:shadow_t:s0' },
        { path: '/etc/passwd', from: 'system_u:object_r:shadow_t:s0', to: 'system_u:object_r:etc_t:s0' },
      ],
      noDefault: ['/tmp/lnk'],
    });
  });
});
