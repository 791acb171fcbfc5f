// install / remove / search on a copy of the Debian fixture, with the guest's own apt-get in the
// jail with network: every change is checked afterwards in a NEW process with the guest's own
// dpkg. A missing package changes nothing; a postinst that starts a daemon starts nothing on the
// host; a .deb built on the host is installed with its dependency; the hostile image is refused.
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { guestctl, leftovers, sessionEnv, shell, tempDir } from '../helpers/cli.js';
import { workCopy } from '../helpers/fixtures.js';

const dir = tempDir('guestctl-package-install-');
const LONG = { timeout: 900_000 };
let img: string;

beforeAll(async () => {
  img = await workCopy('debian', dir.path);
}, 600_000);

afterAll(() => {
  expect(leftovers(dir.path)).toEqual([]);
  dir.cleanup();
});

/** The guest's status file, read by the guest's own cat in a separate read-only session. */
async function dpkgStatus(): Promise<string> {
  const r = await shell(img, ['run cat /var/lib/dpkg/status'], ['--ro']);
  expect(r.code, r.stderr).toBe(0);
  return r.stdout;
}

async function dpkgAuditIsClean(): Promise<void> {
  const r = await shell(img, ['run dpkg --audit'], ['--ro']);
  expect(r.code, r.stderr).toBe(0);
  expect(r.stdout).toBe('');
}

const pids = (name: string) => spawnSync('pgrep', ['-x', name], { encoding: 'utf8' }).stdout.trim().split('\n').filter(Boolean);

describe('install and remove on the Debian fixture', () => {
  it('a package that does not exist: one-line error naming it, the dpkg status unchanged', LONG, async () => {
    const before = await dpkgStatus();
    const r = await shell(img, ['install no-such-package-xyz']);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    // The session adds its own 'error: stopped at command 1' line.
    const errors = r.stderr.split('\n').filter((l) => l.startsWith('error:') && !l.startsWith('error: stopped at'));
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/^error: apt-get install failed: no package named no-such-package-xyz in the guest's repositories; last output: .*Unable to locate package/);
    expect(await dpkgStatus()).toBe(before);
    await dpkgAuditIsClean();
  });

  it("install hello: dpkg -s says installed and hello prints its greeting; remove hello: it is gone", LONG, async () => {
    const r = await shell(img, ['install hello'], ['--json']);
    expect(r.code, r.stderr).toBe(0);
    const done = JSON.parse(r.stdout) as { installed: { name: string; version: string }[]; removed: unknown[] };
    expect(done.installed.map((p) => p.name)).toContain('hello');
    expect(done.removed).toEqual([]);

    const check = await shell(img, ["run dpkg-query -W -f '${db:Status-Status} ${Version}' hello", 'run hello'], ['--ro']);
    expect(check.code, check.stderr).toBe(0);
    const version = done.installed.find((p) => p.name === 'hello')!.version;
    expect(check.stdout).toBe(`installed ${version}Hello, world!\n`);
    await dpkgAuditIsClean();

    const rm = await shell(img, ['remove hello'], ['--json']);
    expect(rm.code, rm.stderr).toBe(0);
    expect(JSON.parse(rm.stdout).removed).toEqual([expect.objectContaining({ name: 'hello', version })]);
    const gone = await shell(img, ['run dpkg -s hello'], ['--ro']);
    expect(gone.code).toBe(1);
    expect(gone.stderr).toMatch(/package 'hello' is not installed/);
    await dpkgAuditIsClean();
  });

  it('a package whose postinst starts a daemon (at): installed, and no atd runs on the host', LONG, async () => {
    const atdBefore = pids('atd');
    const r = await shell(img, ['install at']);
    expect(r.code, r.stderr).toBe(0);
    expect(pids('atd')).toEqual(atdBefore);
    const check = await shell(img, ["run dpkg-query -W -f '${db:Status-Status}' at", 'run test -x /usr/sbin/atd'], ['--ro']);
    expect(check.code, check.stderr).toBe(0);
    expect(check.stdout).toBe('installed');
    // The jail's temporary policy-rc.d is gone again.
    const policy = await shell(img, ['run test -e /usr/sbin/policy-rc.d'], ['--ro']);
    expect(policy.code).toBe(1);
    await dpkgAuditIsClean();
  });

  it('install ./FILE.deb built on the host: copied in, installed with its dependency, the copy removed', LONG, async () => {
    const src = join(dir.path, 'tiny');
    mkdirSync(join(src, 'DEBIAN'), { recursive: true });
    mkdirSync(join(src, 'usr/bin'), { recursive: true });
    writeFileSync(
      join(src, 'DEBIAN/control'),
      ['Package: guestctl-tiny', 'Version: 1.0', 'Architecture: all', 'Maintainer: guestctl tests <tests@example.org>', 'Depends: hello', 'Description: a tiny test package', ''].join('\n'),
    );
    writeFileSync(join(src, 'usr/bin/guestctl-tiny'), '#!/bin/sh\necho tiny says hi\n');
    chmodSync(join(src, 'usr/bin/guestctl-tiny'), 0o755);
    execFileSync('dpkg-deb', ['--root-owner-group', '--build', src, join(dir.path, 'guestctl-tiny_1.0_all.deb')], { stdio: 'ignore' });

    const r = await guestctl(['interactive', img, '--json', '-c', 'install ./guestctl-tiny_1.0_all.deb'], { cwd: dir.path, env: sessionEnv(img) });
    expect(r.code, r.stderr).toBe(0);
    const names = (JSON.parse(r.stdout) as { installed: { name: string }[] }).installed.map((p) => p.name);
    expect(names).toEqual(expect.arrayContaining(['guestctl-tiny', 'hello']));

    const check = await shell(img, ['run guestctl-tiny', "run dpkg-query -W -f '${db:Status-Status}' guestctl-tiny", 'run ls -A /var/tmp'], ['--ro']);
    expect(check.code, check.stderr).toBe(0);
    expect(check.stdout).toMatch(/^tiny says hi\ninstalled/);
    expect(check.stdout).not.toContain('.guestctl-');
    await dpkgAuditIsClean();
  });

  it('search finds hello in the lists apt-get update fetched', LONG, async () => {
    const r = await shell(img, ['search ^hello$'], ['--ro', '--json']);
    expect(r.code, r.stderr).toBe(0);
    // apt-cache matches the regular expression in descriptions too (hello-traditional's).
    expect(JSON.parse(r.stdout)).toContainEqual({ name: 'hello', summary: expect.stringMatching(/example package/i) });
  });
});

describe('install on the hostile image', () => {
  const canary = '/tmp/guestctl-canary';
  let hostShadow: string;
  beforeAll(() => {
    mkdirSync(canary, { recursive: true });
    hostShadow = readFileSync('/etc/shadow', 'utf8');
  });

  it('says there is no package manager, and no host file is read or written', LONG, async () => {
    const hostile = await workCopy('hostile', dir.path);
    const r = await shell(hostile, ['install hello']);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr.split('\n')[0]).toBe('error: no package manager found in the guest (apt, dnf, yum, zypper, pacman or apk)');
    expect(existsSync(`${canary}/created-by-guest`)).toBe(false);
    expect(readFileSync('/etc/shadow', 'utf8')).toBe(hostShadow);
  });

  it("made to look like a deb guest whose apt-get reads /etc/shadow and writes to /tmp: it sees only the guest's", LONG, async () => {
    const hostile = await workCopy('hostile', dir.path);
    const evil = '#!/bin/sh\necho pwned > /tmp/guestctl-canary/created-by-guest\ncat /etc/shadow >&2\nexit 100\n';
    const made = await shell(hostile, ['mkdir -p /var/lib/dpkg', "write /var/lib/dpkg/status ''", `write /usr/bin/apt-get '${evil}'`, 'chmod 755 /usr/bin/apt-get', 'symlink /../../../tmp/guestctl-canary /var/tmp']);
    expect(made.code, made.stderr).toBe(0);
    const deb = join(dir.path, 'evil_1.0_all.deb');
    writeFileSync(deb, 'not a package');
    for (const pkg of ['hello', deb]) {
      const r = await shell(hostile, [`install ${pkg}`]);
      expect(r.code).toBe(1);
      const line = r.stderr.split('\n')[0]!;
      if (pkg === 'hello') expect(line).toMatch(/^error: apt-get update failed: .*GUEST-SHADOW/);
      const rootHash = hostShadow.split('\n').find((l) => l.startsWith('root:'))!.split(':')[1]!;
      if (rootHash.length > 2) expect(r.stderr).not.toContain(rootHash);
    }
    expect(existsSync(`${canary}/created-by-guest`)).toBe(false);
    expect(readdirSync(canary).filter((n) => n.startsWith('.guestctl-'))).toEqual([]);
    expect(readFileSync('/etc/shadow', 'utf8')).toBe(hostShadow);
  });
});
