// User Management (adduser, deluser, passwd, usermod, groups) and `users` on real guests.
// Every check runs in a NEW guestctl process that reopens the image, mostly through the
// guest's own tools in the sandbox: useradd (as the reference), pwck/grpck, id, getent,
// stat, and the guest's libcrypt (perl crypt / openssl passwd) to verify password hashes.
import { execFileSync, spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { quote } from 'shell-quote';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, guestctl, leftovers, sessionEnv, shell, tempDir, type CliResult } from '../helpers/cli.js';
import { workCopy } from '../helpers/fixtures.js';
import { rhelLike } from '../helpers/rhel-like.js';

const dir = tempDir('guestctl-users-');
afterAll(() => {
  expect(leftovers(dir.path)).toEqual([]);
  dir.cleanup();
});

const LONG = { timeout: 600_000 };
const q = (...argv: string[]): string => quote(argv);
const today = () => new Date().toISOString().slice(0, 10);

async function ok(target: string, cmds: string[], extra: string[] = []): Promise<CliResult> {
  const r = await shell(target, cmds, extra);
  expect(r.code, `${cmds.join(' ; ')}\n${r.stdout}\n${r.stderr}`).toBe(0);
  return r;
}

/** One command that must fail: an `error:` line, nothing on stdout. */
async function fails(target: string, cmd: string): Promise<string> {
  const r = await shell(target, [cmd]);
  expect(r.code, `${cmd} should fail\n${r.stdout}`).not.toBe(0);
  expect(r.stdout).toBe('');
  const line = r.stderr.split('\n').find((l) => l.startsWith('error: '));
  expect(line, r.stderr).toBeDefined();
  return line!;
}

async function json(target: string, cmd: string): Promise<any> {
  return JSON.parse((await ok(target, [cmd], ['--json'])).stdout);
}

/** A guest program's stdout (it must succeed). */
async function run(target: string, ...argv: string[]): Promise<string> {
  const r = await shell(target, [q('run', ...argv)]);
  expect(r.code, `${argv.join(' ')}\n${r.stdout}\n${r.stderr}`).toBe(0);
  return r.stdout;
}

/** A guest shell script's combined output and status (through the guest's /bin/sh). */
async function sh(target: string, script: string): Promise<{ code: number; out: string }> {
  const r = await shell(target, [q('run', 'sh', '-c', `${script} 2>&1`)]);
  return { code: r.code, out: r.stdout };
}

async function guestFile(target: string, path: string): Promise<string> {
  return run(target, 'cat', path);
}

/** What the guest's own pwck -r and grpck -r say (sorted lines). */
async function validators(target: string): Promise<string[]> {
  const r = await sh(target, 'pwck -r; echo "pwck=$?"; grpck -r; echo "grpck=$?"');
  return r.out
    .split('\n')
    .filter((l) => l !== '')
    .sort();
}

/** The shadow password field of a user, read with the guest's getent. */
async function shadowField(target: string, user: string): Promise<string> {
  return (await run(target, 'getent', 'shadow', user)).split(':')[1]!;
}

/** The guest's libcrypt recomputes the hash from the stored salt (perl crypt). */
async function perlVerifies(target: string, password: string, hash: string): Promise<boolean> {
  const out = await run(target, 'perl', '-e', 'print crypt($ARGV[0], $ARGV[1]) eq $ARGV[1] ? "match" : "differ"', password, hash);
  return out === 'match';
}

function passwordFile(name: string, password: string, tail = '\n'): string {
  const p = join(dir.path, name);
  writeFileSync(p, `${password}${tail}`, { mode: 0o600 });
  return p;
}

const PRISTINE: { validators: string[] } = { validators: [] };

describe('adduser/usermod/passwd/deluser on the Debian image', LONG, () => {
  let ours = '';
  let ref = '';
  const pw = `Aa1-${randomBytes(6).toString('hex')}`;

  beforeAll(async () => {
    const pristine = await workCopy('debian', join(dir.path, 'debian'));
    ours = await workCopy('debian', join(dir.path, 'debian'));
    ref = await workCopy('debian', join(dir.path, 'debian'));
    PRISTINE.validators = await validators(pristine);
    expect(PRISTINE.validators.join('\n')).toContain('pwck=');
  }, 600_000);

  it("adduser writes exactly what the guest's own useradd writes", async () => {
    await ok(ours, ['adduser alice', 'adduser svc --system --no-create-home', 'adduser bob --groups sudo,users --shell /bin/bash --comment "Bob Builder"']);
    await ok(ref, [q('run', 'useradd', '-m', 'alice'), q('run', 'useradd', '-r', 'svc'), q('run', 'useradd', '-m', '-G', 'sudo,users', '-s', '/bin/bash', '-c', 'Bob Builder', 'bob')]);
    for (const f of ['/etc/passwd', '/etc/shadow', '/etc/group', '/etc/gshadow', '/etc/subuid', '/etc/subgid']) {
      expect(await guestFile(ours, f), f).toBe(await guestFile(ref, f));
    }
    const tree = 'cd /home && find . -printf "%p %m %u %g %y %s\\n" | sort';
    expect((await sh(ours, tree)).out).toBe((await sh(ref, tree)).out);
    expect(await run(ours, 'getent', 'passwd', 'alice', 'svc', 'bob')).toBe(
      'alice:x:1000:1000::/home/alice:/bin/sh\nsvc:x:999:997::/home/svc:/bin/sh\nbob:x:1001:1001:Bob Builder:/home/bob:/bin/bash\n',
    );
    expect(await validators(ours)).toEqual(PRISTINE.validators);
  });

  it('the new accounts have the right groups, home, skeleton files and file modes', async () => {
    expect(await run(ours, 'id', 'alice')).toBe('uid=1000(alice) gid=1000(alice) groups=1000(alice)\n');
    expect(await run(ours, 'id', 'bob')).toBe('uid=1001(bob) gid=1001(bob) groups=1001(bob),27(sudo),100(users)\n');
    expect(await run(ours, 'stat', '-c', '%a %U %G', '/home/alice', '/home/bob/.bashrc', '/home/bob/.profile', '/home/bob/.bash_logout')).toBe(
      '755 alice alice\n644 bob bob\n644 bob bob\n644 bob bob\n',
    );
    expect((await sh(ours, 'cmp /etc/skel/.bashrc /home/alice/.bashrc && echo same')).out).toBe('same\n');
    expect(await run(ours, 'stat', '-c', '%a %U %G', '/etc/shadow', '/etc/gshadow', '/etc/passwd', '/etc/group')).toBe(
      '640 root shadow\n640 root shadow\n644 root root\n644 root root\n',
    );
    expect(await json(ours, 'groups bob')).toEqual({ user: 'bob', primary: 'bob', gid: 1001, groups: ['bob', 'sudo', 'users'] });
    const all = await json(ours, 'groups');
    expect(all.find((g: any) => g.group === 'sudo')).toEqual({ group: 'sudo', gid: 27, members: ['bob'], primaryFor: [] });
    expect(all.find((g: any) => g.group === 'alice')).toEqual({ group: 'alice', gid: 1000, members: [], primaryFor: ['alice'] });
  });

  it("passwd hashes with the guest's yescrypt, and the guest's libcrypt verifies it", async () => {
    const r = await ok(ours, [`passwd alice --password-file ${passwordFile('alice.pw', pw)}`]);
    expect(r.stdout).toBe("password of alice set (yescrypt, computed by the host's mkpasswd)\n");
    const hash = await shadowField(ours, 'alice');
    expect(hash).toMatch(/^\$y\$j9T\$[./0-9A-Za-z]{22}\$[./0-9A-Za-z]{43}$/);
    expect(await perlVerifies(ours, pw, hash)).toBe(true);
    expect(await perlVerifies(ours, `${pw}x`, hash)).toBe(false);
    const shadowLine = (await run(ours, 'getent', 'shadow', 'alice')).trim();
    const day = Math.floor(Date.now() / 86_400_000);
    expect(shadowLine).toBe(`alice:${hash}:${day}:0:99999:7:::`);
    const users = await json(ours, 'users');
    const alice = users.find((u: any) => u.name === 'alice');
    expect(alice).toMatchObject({ uid: 1000, gid: 1000, group: 'alice', home: '/home/alice', shell: '/bin/sh', state: 'has-password', lastChange: today(), mustChange: false, system: false });
    expect(JSON.stringify(users)).not.toContain('$y$');
    expect(users.find((u: any) => u.name === 'bob').state).toBe('locked');
    expect(users.find((u: any) => u.name === 'svc')).toMatchObject({ state: 'locked', system: true });
    expect(users.find((u: any) => u.name === 'root').state).toBe('disabled');
    // a second password gets a fresh salt
    await ok(ours, [`passwd alice --password-file ${passwordFile('alice.pw', pw)}`]);
    const again = await shadowField(ours, 'alice');
    expect(again).not.toBe(hash);
    expect(await perlVerifies(ours, pw, again)).toBe(true);
  });

  it('usermod changes groups in group and gshadow, moves the home, changes shell and comment', async () => {
    const r = await ok(ours, ['usermod alice --add-groups adm,cdrom --home /srv/alice --move-home --shell /bin/bash --comment "Alice A"', 'usermod bob --remove-groups users']);
    expect(r.stdout).toContain('modified alice: shell /bin/sh → /bin/bash, home /home/alice → /srv/alice (moved), comment');
    expect(await run(ours, 'id', 'alice')).toBe('uid=1000(alice) gid=1000(alice) groups=1000(alice),4(adm),24(cdrom)\n');
    expect(await run(ours, 'id', 'bob')).toBe('uid=1001(bob) gid=1001(bob) groups=1001(bob),27(sudo)\n');
    expect(await run(ours, 'getent', 'passwd', 'alice')).toBe('alice:x:1000:1000:Alice A:/srv/alice:/bin/bash\n');
    expect((await sh(ours, 'grep -E "^(adm|cdrom|users):" /etc/gshadow')).out).toBe('adm:*::alice\ncdrom:*::alice\nusers:*::\n');
    expect(await run(ours, 'stat', '-c', '%a %U %G', '/srv/alice', '/srv/alice/.profile')).toBe('755 alice alice\n644 alice alice\n');
    expect((await sh(ours, 'test -e /home/alice; echo $?')).out).toBe('1\n');
    expect(await validators(ours)).toEqual(PRISTINE.validators);
    const same = await ok(ours, ['usermod alice --add-groups adm']);
    expect(same.stdout).toBe('no changes for alice\n');
    expect(same.stderr).toContain("note: 'alice' is already a member of adm");
  });

  it('passwd --lock/--unlock/--expire/--delete change only what passwd(1) changes', async () => {
    const hash = await shadowField(ours, 'alice');
    await ok(ours, ['passwd alice --lock']);
    expect(await shadowField(ours, 'alice')).toBe(`!${hash}`);
    expect((await json(ours, 'users')).find((u: any) => u.name === 'alice').state).toBe('locked');
    await ok(ours, ['usermod alice --unlock']);
    expect(await shadowField(ours, 'alice')).toBe(hash);
    expect(await perlVerifies(ours, pw, hash)).toBe(true);
    await ok(ours, ['usermod alice --lock', 'passwd alice --unlock', 'passwd alice --expire']);
    expect((await run(ours, 'getent', 'shadow', 'alice')).trim()).toBe(`alice:${hash}:0:0:99999:7:::`);
    expect((await json(ours, 'users')).find((u: any) => u.name === 'alice')).toMatchObject({ state: 'has-password', mustChange: true, lastChange: null });
    expect(await fails(ours, 'passwd bob --unlock')).toBe("error: unlocking bob would leave the account without a password: set one first (passwd bob --password-file FILE)");
    await ok(ours, ['passwd bob --delete']);
    expect(await shadowField(ours, 'bob')).toBe('');
    expect((await json(ours, 'users')).find((u: any) => u.name === 'bob').state).toBe('no-password');
    expect(await validators(ours)).toEqual(PRISTINE.validators);
  });

  it('deluser removes the user from all four files, its private group, subids and (with --remove-home) its home', async () => {
    const dry = await ok(ours, ['deluser bob --remove-home --dry-run']);
    expect(dry.stdout).toContain('-bob:x:1001:1001:Bob Builder:/home/bob:/bin/bash');
    expect(dry.stdout).toContain('would remove the home /home/bob');
    expect(await run(ours, 'getent', 'passwd', 'bob')).toContain('bob:'); // dry run wrote nothing
    const r = await ok(ours, ['deluser bob --remove-home']);
    expect(r.stdout).toBe('deleted user bob (uid 1001)\n  removed its private group bob\n  removed its home /home/bob\n');
    expect((await sh(ours, 'grep -l "bob" /etc/passwd /etc/shadow /etc/group /etc/gshadow /etc/subuid /etc/subgid; echo "grep=$?"')).out).toBe('grep=1\n');
    expect((await sh(ours, 'getent passwd bob; echo $?; test -e /home/bob; echo $?')).out).toBe('2\n1\n');
    await ok(ours, ['deluser alice']);
    expect(await run(ours, 'stat', '-c', '%a %u %g', '/srv/alice')).toBe('755 1000 1000\n'); // kept without --remove-home
    expect((await sh(ours, 'grep -c "^alice:" /etc/group; true')).out).toBe('0\n');
    expect(await validators(ours)).toEqual(PRISTINE.validators);
    expect(await run(ours, 'stat', '-c', '%a %U %G', '/etc/shadow', '/etc/gshadow')).toBe('640 root shadow\n640 root shadow\n');
  });

  it('usermod --move-home across filesystems (/home to /boot) copies owners, modes and symlinks, then removes the original', async () => {
    await ok(ref, [q('run', 'sh', '-c', 'cd /home/alice && ln -s .bashrc link && install -d -m 700 -o alice -g alice private && install -m 600 -o alice -g alice /etc/hostname private/secret')]);
    const listing = (top: string) => `cd ${top} && find . -printf "%p %m %u %g %y %s %l\\n" | sort`;
    const before = (await sh(ref, listing('/home/alice'))).out;
    expect(before).toContain('./link 777 root root l 7 .bashrc');
    const r = await ok(ref, ['usermod alice --home /boot/alice --move-home']);
    expect(r.stdout).toBe('modified alice: home /home/alice → /boot/alice (moved)\n');
    // the copied link is root-owned (GuestFs has no lchown; a link's owner does not matter for access)
    expect((await sh(ref, listing('/boot/alice'))).out).toBe(before);
    expect((await sh(ref, 'test -e /home/alice; echo $?; df -P /boot/alice /home | tail -n +2 | cut -d" " -f1 | uniq | wc -l')).out).toBe('1\n2\n');
    expect(await run(ref, 'getent', 'passwd', 'alice')).toBe('alice:x:1000:1000::/boot/alice:/bin/sh\n');
    await ok(ref, ['usermod alice --home /home/alice --move-home']);
    expect((await sh(ref, listing('/home/alice'))).out).toBe(before);
  });
});

describe('the password never leaves the guest in the clear', LONG, () => {
  let img = '';
  beforeAll(async () => {
    img = await workCopy('debian', join(dir.path, 'secret'));
    await ok(img, ['adduser carol']);
  }, 600_000);

  it('not in any process argv or environment, not in the history, not in a guest file; --dry-run masks hashes', async () => {
    const pw = `Sx-${randomBytes(9).toString('hex')}`;
    const file = passwordFile('carol.pw', pw);
    const history = join(dir.path, 'history');
    const child = guestctl(['interactive', img, '-c', `passwd carol --password-file ${file}`], { env: { ...sessionEnv(img), GUESTCTL_HISTORY: history } });
    const seen: string[] = [];
    let done = false;
    void child.then(() => (done = true));
    let scans = 0;
    while (!done) {
      for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
        for (const what of ['cmdline', 'environ']) {
          try {
            if (readFileSync(`/proc/${pid}/${what}`).includes(pw)) seen.push(`${pid}/${what}`);
          } catch {
            // gone
          }
        }
      }
      scans++;
      await new Promise((r) => setTimeout(r, 2));
    }
    const r = await child;
    expect(r.code, r.stderr).toBe(0);
    expect(scans).toBeGreaterThan(3);
    expect(seen).toEqual([]);
    expect(r.stdout + r.stderr).not.toContain(pw);
    expect(existsSync(history) ? readFileSync(history, 'utf8') : '').not.toContain(pw);
    const hash = await shadowField(img, 'carol');
    expect(await perlVerifies(img, pw, hash)).toBe(true);
    const found = await sh(img, `grep -rlsF ${q(pw)} /etc /root /home /tmp /var/log /var/tmp; echo "grep=$?"`);
    expect(found.out).toBe('grep=1\n');
    const dry = await ok(img, [`passwd carol --password-file ${file} --dry-run`]);
    expect(dry.stdout).toContain('-carol:<hash>:');
    expect(dry.stdout).toContain('+carol:<new hash>:');
    expect(dry.stdout).not.toContain('$y$');
    expect(await shadowField(img, 'carol')).toBe(hash);
  });

  it('on a terminal: asked twice without echo, a mismatch changes nothing, the history has the command only', async (ctx) => {
    const python = ['python3', 'python'].find((p) => {
      try {
        execFileSync(p, ['-c', 'import pty'], { stdio: 'ignore' });
        return true;
      } catch {
        return false;
      }
    });
    if (!python) return ctx.skip();
    const pw = `Tt-${randomBytes(6).toString('hex')}`;
    const history = join(dir.path, 'tty-history');
    const steps = [
      ['> ', 'passwd carol\r'],
      ['New password', 'first-try\r'],
      ['Retype', 'second-try\r'],
      ['do not match', ''],
      ['> ', 'passwd carol\r'],
      ['New password', `${pw}\r`],
      ['Retype', `${pw}\r`],
      ['password of carol set', ''],
      ['> ', 'exit\r'],
    ];
    const out = await new Promise<{ code: number | null; text: string }>((resolve) => {
      const p = spawn(python, ['-c', PTY_DRIVER, JSON.stringify(steps), process.execPath, BIN, 'interactive', img], {
        env: { ...process.env, ...sessionEnv(img), NO_COLOR: '1', GUESTCTL_HISTORY: history },
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      let text = '';
      p.stdout.on('data', (d) => (text += String(d)));
      p.on('close', (code) => resolve({ code, text }));
    });
    expect(out.code, out.text).toBe(0);
    expect(out.text).toContain('error: the two passwords do not match: nothing changed');
    for (const secret of [pw, 'first-try', 'second-try']) expect(out.text).not.toContain(secret);
    expect(readFileSync(history, 'utf8')).toBe('passwd carol\npasswd carol\nexit\n');
    expect(await perlVerifies(img, pw, await shadowField(img, 'carol'))).toBe(true);
  });
});

/** Drives a program on a pseudo-terminal: waits for each prompt text, then types. */
const PTY_DRIVER = `
import os, pty, sys, time, select, json, signal
steps = json.loads(sys.argv[1])
pid, fd = pty.fork()
if pid == 0:
    os.execvp(sys.argv[2], sys.argv[2:])
full = b''
pending = b''
def pump(timeout):
    global full, pending
    r, _, _ = select.select([fd], [], [], timeout)
    if not r:
        return True
    try:
        data = os.read(fd, 4096)
    except OSError:
        return False
    if not data:
        return False
    full += data
    pending += data
    return True
def read_until(pat, timeout):
    global pending
    end = time.time() + timeout
    while pat.encode() not in pending:
        if time.time() > end or not pump(0.2):
            return False
    pending = pending[pending.index(pat.encode()) + len(pat):]
    return True
ok = True
for expect, send in steps:
    if not read_until(expect, 180):
        ok = False
        break
    if send:
        time.sleep(0.3)
        os.write(fd, send.encode())
if not ok:
    for s in (b'\\x03', b'\\x03', b'exit\\r'):
        time.sleep(0.5)
        try:
            os.write(fd, s)
        except OSError:
            pass
status = None
deadline = time.time() + 120
while status is None and time.time() < deadline:
    alive = pump(0.5)
    done, st = os.waitpid(pid, os.WNOHANG)
    if done:
        status = st
    elif not alive:
        time.sleep(0.2)
if status is None:
    os.kill(pid, signal.SIGTERM)
    _, status = os.waitpid(pid, 0)
    ok = False
sys.stdout.write(full.decode('utf8', 'replace'))
sys.exit(0 if ok and os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0 else 1)
`;

describe('yescrypt without mkpasswd', LONG, () => {
  /** A host without whois: PATH is a directory of links to every host program except mkpasswd. */
  function pathWithoutMkpasswd(): string {
    const bin = join(dir.path, 'no-mkpasswd-bin');
    mkdirSync(bin);
    const linked = new Set<string>(['mkpasswd']);
    for (const d of ['/usr/local/sbin', '/usr/local/bin', '/usr/sbin', '/usr/bin', '/sbin', '/bin']) {
      if (!existsSync(d)) continue;
      for (const n of readdirSync(d)) {
        if (linked.has(n)) continue;
        linked.add(n);
        symlinkSync(join(d, n), join(bin, n));
      }
    }
    return bin;
  }

  it("uses the guest's perl, and falls back to SHA-512 (with a note) when nothing can compute yescrypt", async () => {
    const img = await workCopy('debian', join(dir.path, 'fallback'));
    const env = { ...sessionEnv(img), PATH: pathWithoutMkpasswd() };
    const noHostMkpasswd = async (cmd: string) => {
      const r = await guestctl(['interactive', img, '-c', cmd], { env });
      expect(r.code, r.stderr).toBe(0);
      return r;
    };
    const pw = `Fb-${randomBytes(6).toString('hex')}`;
    const file = passwordFile('dave.pw', pw);
    await ok(img, ['run rm /usr/bin/mkpasswd']);
    const a = await noHostMkpasswd(`adduser dave --password-file ${file}`);
    expect(a.stdout).toContain("password: set (yescrypt, computed by the guest's perl)");
    const y = await shadowField(img, 'dave');
    expect(y).toMatch(/^\$y\$j9T\$[./0-9A-Za-z]{22}\$[./0-9A-Za-z]{43}$/);
    expect(await perlVerifies(img, pw, y)).toBe(true);

    await ok(img, ['run sh -c "rm /usr/bin/perl"']);
    const b = await noHostMkpasswd(`passwd dave --password-file ${file}`);
    expect(b.stderr).toContain('note: neither the host (mkpasswd, Debian package whois) nor the guest (mkpasswd, perl or python3 with libxcrypt) can compute yescrypt');
    expect(b.stdout).toBe('password of dave set (sha512, computed by guestctl)\n');
    const six = await shadowField(img, 'dave');
    const salt = six.split('$')[2]!;
    expect(six).toMatch(/^\$6\$[./0-9A-Za-z]{16}\$[./0-9A-Za-z]{86}$/);
    expect((await run(img, 'openssl', 'passwd', '-6', '-salt', salt, pw)).trim()).toBe(six);
  });
});

describe('deluser --remove-home keeps what userdel -r would keep', LONG, () => {
  let img = '';
  beforeAll(async () => {
    img = await workCopy('debian', join(dir.path, 'debian-deluser'));
  });

  it("daemon's home /usr/sbin stays (the account goes, one note, exit 0); a normal user's home is removed", async () => {
    // Without the jail's own policy-rc.d, which exists (with a new mtime) during each run and so
    // also moves the mtime of /usr/sbin itself (the '.' line).
    const listing = async () =>
      (await run(img, 'ls', '-la', '/usr/sbin'))
        .split('\n')
        .filter((l) => !l.endsWith(' policy-rc.d') && !l.endsWith(' .'))
        .join('\n');
    const before = await listing();
    expect(before).toContain(' nologin\n');
    const dry = await ok(img, ['deluser daemon --remove-home --dry-run']);
    expect(dry.stdout).toContain('would keep the home /usr/sbin (it is a system directory), remove the mail spool /var/mail/daemon\n');
    const r = await ok(img, ['deluser daemon --remove-home']);
    expect(r.stdout).toBe('deleted user daemon (uid 1)\n  removed its private group daemon\n');
    expect(r.stderr.split('\n').filter((l) => l.includes('/usr/sbin'))).toEqual(['note: the account was deleted, but its home /usr/sbin was not removed: it is a system directory']);
    expect(await listing()).toBe(before);
    expect((await sh(img, 'getent passwd daemon; echo $?')).out).toBe('2\n');
    const nobody = await json(img, 'deluser nobody --remove-home');
    expect(nobody).toMatchObject({ user: 'nobody', homeRemoved: null, homeKept: 'it is a system directory' });

    await ok(img, ['adduser carol']);
    expect(await run(img, 'stat', '-c', '%U %F', '/home/carol')).toBe('carol directory\n');
    const c = await ok(img, ['deluser carol --remove-home']);
    expect(c.stdout).toBe('deleted user carol (uid 1000)\n  removed its private group carol\n  removed its home /home/carol\n');
    expect((await sh(img, 'test -e /home/carol; echo $?')).out).toBe('1\n');
  });

  it('a home owned by another user, a mount point and a home holding a mount stay', async () => {
    await ok(img, ['adduser frank', 'chown root /home/frank', 'adduser dave', 'adduser erin', 'mkdir /home/erin/data']);
    const f = await ok(img, ['deluser frank --remove-home']);
    expect(f.stderr).toContain("note: the account was deleted, but its home /home/frank was not removed: it is owned by uid 0, not by 'frank' (uid 1000)\n");
    expect(await run(img, 'ls', '-A', '/home/frank')).toBe('.bash_logout\n.bashrc\n.profile\n');
    const m = await ok(img, [
      'umount /boot',
      'mount --ro /dev/sda2 /home/dave',
      'deluser dave --remove-home',
      'umount /home/dave',
      'mount --ro /dev/sda2 /home/erin/data',
      'deluser erin --remove-home',
      'ls /home/erin/data',
    ]);
    expect(m.stderr).toContain('note: the account was deleted, but its home /home/dave was not removed: a filesystem (/dev/sda2) is mounted on it\n');
    expect(m.stderr).toContain('note: the account was deleted, but its home /home/erin was not removed: a filesystem (/dev/sda2) is mounted inside it at /home/erin/data\n');
    expect(m.stdout).toContain('vmlinuz');
    expect(await run(img, 'ls', '-A', '/home/dave', '/home/erin')).toBe('/home/dave:\n.bash_logout\n.bashrc\n.profile\n\n/home/erin:\n.bash_logout\n.bashrc\n.profile\ndata\n');
    expect((await sh(img, 'grep -c "^\\(frank\\|dave\\|erin\\):" /etc/passwd')).out).toBe('0\n');
  });
});

describe('usermod --move-home to another filesystem that fails (a directory guest, a tiny tmpfs as /home2)', LONG, () => {
  const mounts: string[] = [];
  afterAll(() => {
    for (const m of mounts.reverse()) execFileSync('umount', [m]);
  });
  const listing = (top: string) => execFileSync('find', [top, '-printf', '%P %m %u %g %y\n'], { encoding: 'utf8' }).split('\n').sort().join('\n');

  it('a full target: exit 1, the reason, the partial copy removed, the old home and passwd untouched', async () => {
    const root = rhelLike(dir.path, { name: 'rhel-movehome-full', selinux: null });
    await ok(root, ['adduser alice']);
    const home = join(root, 'home/alice');
    writeFileSync(join(home, 'big'), randomBytes(600 * 1024));
    execFileSync('chown', ['1000:1000', join(home, 'big')]);
    mkdirSync(join(root, 'home2'));
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=300k', 'guestctl-home2', join(root, 'home2')]);
    mounts.push(join(root, 'home2'));
    const before = listing(home);
    const sum = createHash('sha256').update(readFileSync(join(home, 'big'))).digest('hex');
    const passwd = readFileSync(join(root, 'etc/passwd'), 'utf8');
    expect(await fails(root, 'usermod alice --home /home2/alice --move-home')).toBe(
      'error: moving the home /home/alice to /home2/alice: no space left on the guest filesystem: /home2/alice/big; the partial copy /home2/alice was removed; /home/alice is intact, nothing else was changed',
    );
    expect(listing(home)).toBe(before);
    expect(createHash('sha256').update(readFileSync(join(home, 'big'))).digest('hex')).toBe(sum);
    expect(readdirSync(join(root, 'home2'))).toEqual([]);
    expect(readFileSync(join(root, 'etc/passwd'), 'utf8')).toBe(passwd);
  });

  it('a copy whose original cannot be fully removed (an immutable file): exit 1, says what remains; passwd names the complete copy', async () => {
    const root = rhelLike(dir.path, { name: 'rhel-movehome-stuck', selinux: null });
    await ok(root, ['adduser bob']);
    const home = join(root, 'home/bob');
    writeFileSync(join(home, 'pinned'), 'cannot be unlinked\n');
    execFileSync('chattr', ['+i', join(home, 'pinned')]);
    mkdirSync(join(root, 'home2'));
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'guestctl-home2', join(root, 'home2')]);
    mounts.push(join(root, 'home2'));
    const before = listing(home);
    try {
      expect(await fails(root, 'usermod bob --home /home2/bob --move-home')).toBe(
        'error: moving the home /home/bob to /home2/bob: /home2/bob is a complete copy, but removing the original /home/bob failed part-way (operation not permitted: /home/bob/pinned): what remains of /home/bob must be removed by hand; the account now uses /home2/bob',
      );
      expect(listing(join(root, 'home2/bob'))).toBe(before);
      expect(readdirSync(home)).toEqual(['pinned']);
      expect(readFileSync(join(root, 'etc/passwd'), 'utf8')).toContain('\nbob:x:1000:1000::/home2/bob:/bin/bash\n');
    } finally {
      execFileSync('chattr', ['-i', join(home, 'pinned')]);
    }
  });
});

describe('on the hostile image', LONG, () => {
  const canary = '/tmp/guestctl-canary';
  const tag = `guestctl-users-${process.pid}`;
  let hostShadow = '';
  let hostRoot: string[] = [];
  let img = '';

  beforeAll(async () => {
    mkdirSync(canary, { recursive: true });
    writeFileSync(`${canary}/motd`, 'HOST MOTD CANARY\n');
    writeFileSync(`${canary}/issue`, 'HOST ISSUE CANARY\n');
    rmSync(`${canary}/created-by-guest`, { force: true });
    hostShadow = createHash('sha256').update(readFileSync('/etc/shadow')).digest('hex');
    hostRoot = readdirSync('/root');
    img = await workCopy('hostile', join(dir.path, 'hostile'));
  }, 600_000);

  afterAll(() => {
    expect(readFileSync(`${canary}/motd`, 'utf8')).toBe('HOST MOTD CANARY\n');
    expect(readFileSync(`${canary}/issue`, 'utf8')).toBe('HOST ISSUE CANARY\n');
    expect(existsSync(`${canary}/created-by-guest`)).toBe(false);
    expect(createHash('sha256').update(readFileSync('/etc/shadow')).digest('hex')).toBe(hostShadow);
    for (const e of hostRoot) expect(existsSync(join('/root', e)), `/root/${e}`).toBe(true);
    for (const p of [`/root/${tag}`, `/tmp/${tag}`, `/tmp/${tag}-moved`, `/root/${tag}-moved`]) expect(existsSync(p), p).toBe(false);
  });

  it('users reads the guest shadow (GUEST-SHADOW), never the host one', async () => {
    const users = await json(img, 'users');
    expect(users.find((u: any) => u.name === 'root')).toMatchObject({ uid: 0, state: 'disabled', lastChange: '2022-01-08' });
    await ok(img, ['passwd root --lock']);
    expect((await guestFile(img, '/etc/shadow')).split('\n')[0]).toBe('root:!GUEST-SHADOW:19000:0:99999:7:::');
  });

  it('homes through links to host paths stay inside the guest (create, move, remove)', async () => {
    // /home/evil -> /../../../../root: inside the guest that is the guest's /root
    const a = await ok(img, [`adduser evil2 --home /home/evil/${tag}`]);
    expect(a.stdout).toContain(`home:     /home/evil/${tag} (created`);
    expect(await run(img, 'stat', '-c', '%u %g', `/root/${tag}`)).toBe('1001 100\n');
    // /root/.ssh -> /tmp: the move lands in the guest's /tmp
    await ok(img, [`usermod evil2 --home /root/.ssh/${tag}-moved --move-home`]);
    expect((await sh(img, `ls -d /tmp/${tag}-moved; test -e /root/${tag}; echo $?`)).out).toBe(`/tmp/${tag}-moved\n1\n`);
    await ok(img, ['deluser evil2 --remove-home']);
    expect((await sh(img, `test -e /tmp/${tag}-moved; echo $?`)).out).toBe('1\n');
    // a home that IS a link to a host path: only the link goes
    await ok(img, ['adduser evil3 --home /home/evil --no-create-home']);
    const d = await ok(img, ['deluser evil3 --remove-home']);
    expect(d.stderr).toContain('note: the home /home/evil was a symlink (to /../../../../root): removed the link only');
    expect((await sh(img, 'test -L /home/evil; echo $?; ls -d /root')).out).toBe('1\n/root\n');
  });
});
