import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { dir, fakeGuest, file, special, type FakeGuest } from '../../helpers/fake-guest.js';
import { type RunResult } from '../../helpers/run-command.js';
import { ok as okAll, session } from './_session.js';
import { rhelGuest } from './_rhel.js';

// User Management on fake guests: what adduser, usermod, passwd and deluser refuse, and what they
// write on a RHEL-style guest (login.defs, useradd defaults, SELinux relabel). test/e2e/users.test.ts
// keeps parity with the guest's own useradd, pwck/grpck, id and libcrypt, and the hostile image.

const tmp = mkdtempSync(join(tmpdir(), 'guestctl-unit-users-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function passwordFile(name: string, password: string, tail = '\n'): string {
  const p = join(tmp, name);
  writeFileSync(p, `${password}${tail}`, { mode: 0o600 });
  return p;
}

const ok = (g: FakeGuest, cmds: string[], extra: string[] = []): Promise<RunResult> => okAll(g, cmds, extra);
const json = async (g: FakeGuest, cmd: string): Promise<any> => JSON.parse((await ok(g, [cmd], ['--json'])).stdout);

/** The `error:` line of a command that must fail, with nothing on stdout (notes may come first). */
async function fails(g: FakeGuest, cmd: string): Promise<string> {
  const r = await session(g, [cmd]);
  expect({ failed: r.code !== 0, stdout: r.stdout }, cmd).toEqual({ failed: true, stdout: '' });
  const line = r.stderr.split('\n').find((l) => l.startsWith('error: '));
  expect(line, r.stderr).toBeDefined();
  return line!;
}

/** `stat -c '%a %u %g'` of each path, one line each. */
async function modes(g: FakeGuest, ...paths: string[]): Promise<string> {
  const lines = await Promise.all(paths.map(async (p) => ((s) => `${s.mode.toString(8)} ${s.uid} ${s.gid}\n`)(await g.fs.stat(p))));
  return lines.join('');
}

/** A Debian 12 guest with alice (uid 1000, home /home/alice) and the stock groups. */
const debian = () =>
  fakeGuest({
    os: { type: 'linux', distro: 'debian', version: '12', packageFormat: 'deb', packageManager: 'apt', initSystem: 'systemd' },
    files: {
      '/etc/passwd': 'root:x:0:0:root:/root:/bin/bash\ndaemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin\nbin:x:2:2:bin:/bin:/usr/sbin/nologin\nnobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\nalice:x:1000:1000::/home/alice:/bin/sh\n',
      '/etc/group': 'root:x:0:\ndaemon:x:1:\nbin:x:2:\nadm:x:4:\ncdrom:x:24:\nsudo:x:27:\nstaff:x:50:\nusers:x:100:\nshadow:x:42:\nnogroup:x:65534:\nalice:x:1000:\n',
      '/etc/shadow': file('root:*:19700:0:99999:7:::\ndaemon:*:19700:0:99999:7:::\nbin:*:19700:0:99999:7:::\nnobody:*:19700:0:99999:7:::\nalice:!:19700:0:99999:7:::\n', { mode: 0o640, gid: 42 }),
      '/etc/gshadow': file('root:*::\ndaemon:*::\nbin:*::\nadm:*::\ncdrom:*::\nsudo:*::\nstaff:*::\nusers:*::\nshadow:*::\nnogroup:*::\nalice:!::\n', { mode: 0o640, gid: 42 }),
      '/etc/login.defs': 'UID_MIN 1000\nUID_MAX 60000\nGID_MIN 1000\nGID_MAX 60000\nENCRYPT_METHOD YESCRYPT\nHOME_MODE 0755\nUSERGROUPS_ENAB yes\n',
      '/etc/skel/.bashrc': '# ~/.bashrc\n',
      '/etc/skel/.profile': '# ~/.profile\n',
      '/home/alice': dir({ uid: 1000, gid: 1000 }),
      '/home/alice/.bashrc': file('# ~/.bashrc\n', { uid: 1000, gid: 1000 }),
    },
  });

describe('adduser/usermod/passwd/deluser on a Debian guest', () => {
  it('refuses bad requests with one error line and no change', async () => {
    const ref = debian();
    const before = ref.text('/etc/passwd');
    expect(await fails(ref, 'adduser root')).toBe("error: user 'root' already exists");
    expect(await fails(ref, 'adduser "a b"')).toBe("error: invalid user name 'a b': it contains whitespace");
    expect(await fails(ref, 'adduser staff')).toBe("error: a group named 'staff' already exists: pass --group staff to make it the primary group");
    expect(await fails(ref, 'adduser carol --groups nosuch')).toBe("error: group 'nosuch' does not exist in the guest's /etc/group");
    expect(await fails(ref, 'adduser carol --uid 0')).toBe("error: uid 0 is already used by 'root'");
    expect(await fails(ref, 'deluser root')).toBe("error: refusing to delete 'root': uid 0 is the superuser");
    expect(await fails(ref, 'deluser nosuch')).toBe("error: no user 'nosuch' in the guest's /etc/passwd");
    expect(await fails(ref, 'usermod alice --move-home')).toBe('error: --move-home needs --home DIR');
    expect(await fails(ref, 'passwd alice')).toBe("error: no terminal to ask the new password of 'alice' on: pass --password-file HOSTFILE");
    expect(await fails(ref, 'passwd alice --lock --delete')).toBe('error: give only one of --lock, --delete');
    expect(await fails(ref, `passwd alice --password-file ${passwordFile('empty.pw', '', '\n')}`)).toBe('error: the password is empty: use --delete for an account without a password');
    expect(await fails(ref, `passwd alice --password-file ${join(tmp, 'missing.pw')}`)).toMatch(/^error: --password-file .*missing\.pw: no such file or directory/);
    expect(await fails(ref, 'adduser carol --home /home/x:y')).toMatch(/cannot contain ':'/);
    expect(await fails(ref, 'adduser carol --home /etc/skel/carol')).toBe(
      'error: creating the home directory /etc/skel/carol: the home /etc/skel/carol is inside the skeleton directory /etc/skel; the account was not added',
    );
    expect(ref.text('/etc/passwd')).toBe(before);
  });
});

describe('a RHEL-style guest (directory)', () => {
  const root = rhelGuest();

  it('adduser follows its login.defs and useradd defaults: SHA-512, !!, HOME_MODE 0700, mail spool; /etc/shadow stays 0000', async () => {
    const pw = `Rh-${randomBytes(6).toString('hex')}`;
    const r = await ok(root, [`adduser bob --password-file ${passwordFile('bob.pw', pw)}`, 'adduser svc --system --no-create-home']);
    expect(r.stdout).toContain('password: set (sha512, computed by guestctl)');
    const shadow = root.text('/etc/shadow');
    const bob = shadow.split('\n').find((l) => l.startsWith('bob:'))!.split(':');
    expect(bob[1]).toMatch(/^\$6\$[./0-9A-Za-z]{16}\$[./0-9A-Za-z]{86}$/);
    const salt = bob[1]!.split('$')[2]!;
    expect(execFileSync('openssl', ['passwd', '-6', '-salt', salt, '-stdin'], { input: pw, encoding: 'utf8' }).trim()).toBe(bob[1]);
    expect(shadow).toContain(`\nsvc:!!:${Math.floor(Date.now() / 86_400_000)}::::::\n`);
    expect(root.text('/etc/passwd')).toContain('\nbob:x:1000:1000::/home/bob:/bin/bash\nsvc:x:999:999::/home/svc:/bin/bash\n');
    expect(root.text('/etc/gshadow')).toContain('\nbob:!::\nsvc:!::\n');
    expect(await modes(root, '/etc/shadow', '/etc/gshadow', '/home/bob', '/home/bob/.bashrc', '/home/bob/.bash_profile', '/var/spool/mail/bob')).toBe(
      '0 0 0\n0 0 0\n700 1000 1000\n644 1000 1000\n644 1000 1000\n600 1000 1000\n',
    );
    const users = await json(root, 'users');
    expect(users.find((u: any) => u.name === 'bob')).toMatchObject({ state: 'has-password', shell: '/bin/bash', system: false });
    expect(users.find((u: any) => u.name === 'svc')).toMatchObject({ state: 'locked', system: true });
    await ok(root, ['passwd bob --lock']);
    expect(root.text('/etc/shadow')).toContain(`\nbob:!${bob[1]}:`);
    await ok(root, ['deluser bob --remove-home']);
    expect([await root.fs.lexists('/home/bob'), await root.fs.lexists('/var/spool/mail/bob')]).toEqual([false, false]);
    for (const f of ['/etc/passwd', '/etc/group', '/etc/shadow', '/etc/gshadow']) expect(root.text(f).split('\n').filter((l) => l.includes('bob')), f).toEqual([]);
    expect(await modes(root, '/etc/shadow')).toBe('0 0 0\n');
    expect(await root.fs.lexists('/.autorelabel')).toBe(false); // no SELinux policy installed: nothing to relabel
  });

  it('an unreadable /etc/selinux/config is an error before adduser or usermod --move-home change anything', async () => {
    const se = rhelGuest({ selinux: 'enforcing' });
    se.add('/etc/selinux/targeted/contexts/files', dir());
    se.add('/etc/selinux/config', dir());
    const passwd = se.text('/etc/passwd');
    expect(await fails(se, 'adduser carol')).toBe('error: cannot tell whether the guest uses SELinux: reading /etc/selinux/config: is a directory: /etc/selinux/config');
    expect(await se.fs.lexists('/home/carol')).toBe(false);
    expect(se.text('/etc/passwd')).toBe(passwd);
    se.add('/etc/selinux/config', 'SELINUX=disabled\n');
    await ok(se, ['adduser carol']);
    se.add('/etc/selinux/config', special('fifo'));
    expect(await fails(se, 'usermod carol --home /srv/carol --move-home')).toBe('error: cannot tell whether the guest uses SELinux: reading /etc/selinux/config: not a regular file: /etc/selinux/config');
    expect(await se.fs.lexists('/home/carol/.bashrc')).toBe(true);
    expect(await se.fs.lexists('/srv/carol')).toBe(false);
  });

  it('on an SELinux guest with its policy installed, a new home schedules a relabel (/.autorelabel) and says so', async () => {
    const se = rhelGuest({ selinux: 'enforcing' });
    se.add('/etc/selinux/targeted/contexts/files', dir());
    const r = await ok(se, ['adduser carol']);
    expect(r.stderr).toContain('note: SELinux guest: the new home /home/carol has no SELinux labels yet; a full relabel is scheduled for the next boot (/.autorelabel)');
    const s = await se.fs.lstat('/.autorelabel');
    expect(`${s.mode.toString(8)} ${s.uid} ${s.gid} ${s.type === 'file' && s.size === 0 ? 'regular empty file' : s.type}\n`).toBe('644 0 0 regular empty file\n');
  });
});
