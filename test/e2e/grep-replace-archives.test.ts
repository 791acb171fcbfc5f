import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { guestctl, leftovers, REPO, tempDir } from '../helpers/cli.js';
import { workCopy } from '../helpers/fixtures.js';

// grep-replace, compress and extract on a copy of the debian fixture, each proved from outside:
// a new session runs the guest's own sshd -t, stat, diff -r and find in the jail.

const dir = tempDir('guestctl-grep-archives-');
const env = { TMPDIR: dir.path };
const session = (img: string, cmds: string[], extra: string[] = []) => guestctl(['interactive', img, ...extra, ...cmds.flatMap((c) => ['-c', c])], { env, timeoutMs: 300_000 });

afterAll(() => {
  expect(leftovers(dir.path)).toEqual([]);
  dir.cleanup();
});

describe('grep-replace, compress and extract on the debian fixture', () => {
  let img: string;
  beforeAll(async () => {
    img = await workCopy('debian', dir.path);
    execFileSync('python3', [join(REPO, 'test/e2e/archives/hostile.py'), dir.path]);
  }, 300_000);

  it('grep-replace --dry-run changes nothing; the real run keeps mode and owner and sshd -t passes', async () => {
    const before = await session(img, ['run sha256sum /etc/ssh/sshd_config', "run stat -c '%a %u %g' /etc/ssh/sshd_config"], ['--ro']);
    expect(before.code, before.stderr).toBe(0);
    const dry = await session(img, ["grep-replace --regex '^#?PermitRootLogin .*$' 'PermitRootLogin no' /etc/ssh/sshd_config --dry-run"]);
    expect(dry.code, dry.stderr).toBe(0);
    expect(dry.stdout).toContain('+PermitRootLogin no');
    const same = await session(img, ['run sha256sum /etc/ssh/sshd_config', "run stat -c '%a %u %g' /etc/ssh/sshd_config"], ['--ro']);
    expect(same.stdout).toBe(before.stdout);

    const real = await session(img, ["grep-replace --regex '^#?PermitRootLogin .*$' 'PermitRootLogin no' /etc/ssh/sshd_config"], ['--json']);
    expect(real.code, real.stderr).toBe(0);
    const after = await session(img, ["run stat -c '%a %u %g' /etc/ssh/sshd_config", "run grep -c -x 'PermitRootLogin no' /etc/ssh/sshd_config", "run sh -c 'mkdir /run/sshd && /usr/sbin/sshd -t'"], ['--ro']);
    expect(after.code, after.stderr).toBe(0);
    const [mode, count] = after.stdout.trim().split('\n');
    expect(mode).toBe(before.stdout.trim().split('\n')[1]);
    expect(count).toBe('1');
  });

  it('compress /etc then extract it into /srv/x: the guest\'s diff -r and find -printf see the same tree', async () => {
    const r = await session(img, ['compress /etc --to /root/etc.tar.gz', 'extract /root/etc.tar.gz /srv/x --dry-run', 'extract /root/etc.tar.gz /srv/x --outside-symlinks']);
    expect(r.code, r.stderr).toBe(0);
    const cmp = await session(img, [
      "run stat -c '%a' /root/etc.tar.gz",
      'run diff -r --no-dereference /etc /srv/x/etc',
      "run sh -c 'cd /etc && find . -printf \"%p %M %U %G %l\\n\" | sort | sha256sum'",
      "run sh -c 'cd /srv/x/etc && find . -printf \"%p %M %U %G %l\\n\" | sort | sha256sum'",
    ], ['--ro']);
    expect(cmp.code, cmp.stderr).toBe(0);
    const lines = cmp.stdout.trim().split('\n');
    expect(lines[0]).toBe('600');
    expect(lines.at(-1)).toBe(lines.at(-2));
    // --owner: everything extracted (not the symlinks) belongs to the user, as the guest's find sees it.
    const owned = await session(img, ['extract /root/etc.tar.gz /srv/y --owner nobody --outside-symlinks', "run find /srv/y/etc ! -type l ! -user nobody -print", "run sh -c 'find /srv/y/etc ! -type l | wc -l'"]);
    expect(owned.code, owned.stderr).toBe(0);
    const [, ...counted] = owned.stdout.trim().split('\n');
    expect(counted.length).toBe(1);
    expect(Number(counted[0])).toBeGreaterThan(100);
    // The fixture has no zip: one error naming it, and no temporary file left in /root.
    const zip = await session(img, ['compress /etc/hostname --to /root/h.zip']);
    expect(zip.code).toBe(1);
    expect(zip.stderr).toMatch(/compress: the guest has no zip/);
    const ls = await session(img, ['run ls -A /root'], ['--ro']);
    expect(ls.stdout.split('\n').filter((n) => n.includes('h.zip'))).toEqual([]);
  });

  it('hostile tar and zip: each escape refused and named, only the harmless member written', async () => {
    const r = await session(img, [
      "run sh -c 'mkdir -p /srv/ht /srv/hz && ln -s /etc /srv/ht/guestlink && ln -s /etc /srv/hz/guestlink'",
      `upload ${join(dir.path, 'hostile.tar')} /root/hostile.tar`,
      `upload ${join(dir.path, 'hostile.zip')} /root/hostile.zip`,
    ]);
    expect(r.code, r.stderr).toBe(0);
    const t = await session(img, ['extract /root/hostile.tar /srv/ht'], ['--json']);
    expect(t.code).toBe(1);
    const tr = JSON.parse(t.stdout) as { extracted: { name: string }[]; refused: { name: string; refused: string }[] };
    expect(tr.extracted.map((v) => v.name)).toEqual(['ok.txt']);
    expect(Object.fromEntries(tr.refused.map((v) => [v.name, v.refused]))).toEqual({
      '/pwned-abs': 'absolute path',
      '../pwned-up': '".." component',
      lnk: 'symlink to /etc, outside /srv/ht',
      'lnk/pwned-through-link': 'goes through lnk, a symlink earlier in the archive',
      up: 'symlink to /, outside /srv/ht',
      hard: 'hard link to a path with ".." (../../etc/passwd)',
      'guestlink/pwned-through-guest-link': 'goes through /srv/ht/guestlink, a symlink in the guest',
      'pwned-dev': 'device node (never extracted)',
    });
    const z = await session(img, ['extract /root/hostile.zip /srv/hz'], ['--json']);
    expect(z.code).toBe(1);
    const zr = JSON.parse(z.stdout) as typeof tr;
    expect(zr.extracted.map((v) => v.name)).toEqual(['ok.txt']);
    expect(zr.refused.map((v) => v.name).sort()).toEqual(['../pwned-up', '/pwned-abs', 'guestlink/pwned-through-guest-link', 'zl', 'zl/pwned-through-link']);

    const check = await session(img, ["run find / -xdev -name '*pwned*' -print", 'run cat /srv/ht/ok.txt /srv/hz/ok.txt'], ['--ro']);
    expect(check.code, check.stderr).toBe(0);
    expect(check.stdout).toBe('harmless\nharmless\n');
    for (const p of ['/pwned-abs', '/pwned-up', '/etc/pwned-through-link', join(dir.path, 'pwned-up')]) expect(existsSync(p)).toBe(false);
  });

  it('bombs (20 MiB of zeros, --max-size 10M) stop before anything is written', async () => {
    const up = await session(img, [`upload ${join(dir.path, 'bomb.tar.gz')} /root/bomb.tar.gz`, `upload ${join(dir.path, 'bomb.zip')} /root/bomb.zip`]);
    expect(up.code, up.stderr).toBe(0);
    for (const a of ['bomb.tar.gz', 'bomb.zip']) {
      const r = await session(img, [`extract /root/${a} /srv/bomb --max-size 10M`]);
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/more than (10485760 bytes|--max-size 10485760).*nothing extracted/);
    }
    const check = await session(img, ["run find / -xdev -name '*pwned*' -print"], ['--ro']);
    expect(check.stdout).toBe('');
  });
});

describe('grep-replace and extract on the hostile image', () => {
  const canary = '/tmp/guestctl-canary';
  let hostShadow: string;
  let img: string;
  beforeAll(async () => {
    mkdirSync(canary, { recursive: true });
    writeFileSync(`${canary}/motd`, 'HOST MOTD CANARY\n');
    writeFileSync(`${canary}/issue`, 'HOST ISSUE CANARY\n');
    rmSync(`${canary}/created-by-guest`, { force: true });
    hostShadow = readFileSync('/etc/shadow', 'utf8');
    img = await workCopy('hostile', dir.path);
    execFileSync('python3', [join(REPO, 'test/e2e/archives/hostile.py'), dir.path]);
  }, 300_000);
  afterAll(() => {
    expect(readFileSync(`${canary}/motd`, 'utf8')).toBe('HOST MOTD CANARY\n');
    expect(readFileSync(`${canary}/issue`, 'utf8')).toBe('HOST ISSUE CANARY\n');
    expect(existsSync(`${canary}/created-by-guest`)).toBe(false);
    expect(readFileSync('/etc/shadow', 'utf8')).toBe(hostShadow);
  });

  it('grep-replace -r skips every escaping link and changes only the guest\'s own files', async () => {
    const links = ['/etc/hostname', '/etc/hosts', '/etc/issue', '/etc/motd', '/etc/newfile'];
    const first = await session(img, ['grep-replace -r CANARY GUEST /etc'], ['--json']);
    expect(first.code, first.stderr).toBe(0);
    const none = JSON.parse(first.stdout) as { files: unknown[]; skipped: { path: string; reason: string }[] };
    expect(none.files).toEqual([]);
    expect(none.skipped).toEqual(links.map((path) => ({ path, reason: 'a symlink (not followed)' })));
    const second = await session(img, ['grep-replace -r GUEST-SHADOW GUEST-CHANGED /etc /etc/motd'], ['--json']);
    expect(second.code, second.stderr).toBe(0);
    expect((JSON.parse(second.stdout) as { files: { path: string }[] }).files.map((f) => f.path)).toEqual(['/etc/shadow']);
    // The image's own shadow, read from the mounted tree in a new read-only session.
    const cat = await session(img, ['cat /etc/shadow'], ['--ro']);
    expect(cat.stdout).toContain('root:GUEST-CHANGED:');
  });

  it('extract of a zip into links that point at host paths stays inside the guest', async () => {
    const r = await session(img, [
      `upload ${join(dir.path, 'hostile.zip')} /hostile.zip`,
      'extract /hostile.zip /root/.ssh',
      'extract /hostile.zip /root/escape/srv/z',
    ], ['--keep-going']);
    // No guestlink here: guestlink/pwned-through-guest-link is an ordinary member inside the target.
    expect(r.stdout).toContain('extracted 2 member(s) (33 bytes) of /hostile.zip into /tmp\n');
    expect(r.stdout).toContain('extracted 2 member(s) (33 bytes) of /hostile.zip into /srv/z\n');
    const check = await session(img, ['cat /tmp/ok.txt', 'cat /srv/z/ok.txt'], ['--ro']);
    expect(check.code, check.stderr).toBe(0);
    expect(check.stdout).toBe('harmless\nharmless\n');
    for (const p of ['/pwned-abs', '/pwned-up', '/srv/z', '/etc/pwned-through-link', '/tmp/guestlink/pwned-through-guest-link']) expect(existsSync(p)).toBe(false);
  });
});
