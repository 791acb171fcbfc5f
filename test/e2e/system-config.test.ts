import { existsSync, mkdirSync, readFileSync, readlinkSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { leftovers, shell, tempDir } from '../helpers/cli.js';
import { workCopy } from '../helpers/fixtures.js';
import { rhelLike } from '../helpers/rhel-like.js';
import { DEBIAN_HOSTS } from '../helpers/debian-files.js';

// hostname, timezone, locale, selinux through the real CLI, checked from outside the command:
// a new guestctl process reopens the guest, and the guest's own programs (hostname -f, getent,
// date, dpkg-reconfigure, locale, stat) run in the sandbox read what was written.

const dir = tempDir('guestctl-sysconfig-');

afterAll(() => {
  expect(leftovers(dir.path)).toEqual([]);
  dir.cleanup();
});

async function ok(target: string, commands: string[], extra: string[] = []) {
  const r = await shell(target, commands, extra);
  expect(r.code, `${commands.join(' ; ')}\n${r.stderr}`).toBe(0);
  return r;
}

async function json(target: string, command: string) {
  const r = await ok(target, [command], ['--json']);
  return JSON.parse(r.stdout);
}

/** `run cat` in a fresh session: what the guest sees. */
async function guestCat(target: string, path: string): Promise<string> {
  return (await ok(target, [`run cat ${path}`])).stdout;
}

describe('Debian 12 fixture', () => {
  let img: string;
  beforeAll(async () => {
    img = await workCopy('debian', dir.path);
  });

  it('shows the current values', async () => {
    expect(await json(img, 'hostname')).toMatchObject({ hostname: 'deb12-fixture', source: '/etc/hostname' });
    expect(await json(img, 'timezone')).toMatchObject({ zone: 'Etc/UTC', localtime: { type: 'symlink', target: '/usr/share/zoneinfo/Etc/UTC' } });
    expect(await json(img, 'locale')).toMatchObject({ file: '/etc/default/locale', lang: 'C.UTF-8' });
    expect(await json(img, 'selinux')).toMatchObject({ installed: false, mode: null });
    const human = await ok(img, ['selinux']);
    expect(human.stdout).toContain('not installed');
  });

  it('hostname web01: /etc/hostname, the 127.0.1.1 line (other lines byte for byte), info and the guest agree', async () => {
    const r = await ok(img, ['hostname web01']);
    expect(r.stdout).toContain('deb12-fixture -> web01');
    expect(await guestCat(img, '/etc/hostname')).toBe('web01\n');
    expect(await guestCat(img, '/etc/hosts')).toBe(DEBIAN_HOSTS.replace('127.0.1.1\tdeb12-fixture\n', '127.0.1.1\tweb01\n'));
    expect(await json(img, 'info')).toMatchObject({ hostname: 'web01' });
    // The jail's UTS name is the one in the guest's /etc/hostname (setting it needs CAP_SYS_ADMIN,
    // which the jail does not have), and the guest resolves it through its own /etc/hosts.
    const g = await ok(img, ["run sh -c 'test \"$(hostname)\" = \"$(cat /etc/hostname)\" && hostname && getent hosts web01 && stat -c %a:%U:%G /etc/hostname /etc/hosts'"]);
    expect(g.stdout.split('\n')).toEqual(['web01', expect.stringMatching(/^127\.0\.1\.1\s+web01$/), '644:root:root', '644:root:root', '']);
  });

  it('hostname with an FQDN: short name in /etc/hostname, FQDN first on the 127.0.1.1 line; hostname -f in the guest prints it', async () => {
    await ok(img, ['hostname web01.example.com']);
    expect(await guestCat(img, '/etc/hostname')).toBe('web01\n');
    expect(await guestCat(img, '/etc/hosts')).toBe(DEBIAN_HOSTS.replace('127.0.1.1\tdeb12-fixture\n', '127.0.1.1\tweb01.example.com\tweb01\n'));
    const g = await ok(img, ["run sh -c 'test \"$(hostname)\" = \"$(cat /etc/hostname)\" && hostname && hostname -f'"]);
    expect(g.stdout).toBe('web01\nweb01.example.com\n');
    expect(await json(img, 'hostname')).toMatchObject({ hostname: 'web01', fqdn: 'web01.example.com' });
  });

  it('adds a 127.0.1.1 line after 127.0.0.1 when the name is mapped nowhere', async () => {
    await ok(img, ['write /etc/hosts "127.0.0.1\\tlocalhost\\n::1\\tlocalhost ip6-localhost ip6-loopback\\n"', 'hostname db02']);
    expect(await guestCat(img, '/etc/hosts')).toBe('127.0.0.1\tlocalhost\n127.0.1.1\tdb02\n::1\tlocalhost ip6-localhost ip6-loopback\n');
    expect((await ok(img, ['run getent hosts db02'])).stdout).toMatch(/^127\.0\.1\.1\s+db02\n$/);
  });

  it('timezone Europe/Berlin: absolute link, /etc/timezone, and the guest\'s libc and tzdata agree', async () => {
    const r = await ok(img, ['timezone Europe/Berlin']);
    expect(r.stdout).toContain('Etc/UTC -> Europe/Berlin');
    const g = await ok(img, ['run readlink /etc/localtime', 'run cat /etc/timezone', 'run date +%Z']);
    const [link, tz, abbr] = g.stdout.trim().split('\n');
    expect(link).toBe('/usr/share/zoneinfo/Europe/Berlin');
    expect(tz).toBe('Europe/Berlin');
    expect(abbr).toMatch(/^CES?T$/);
    // Debian's own tzdata configuration reads the link back and keeps it.
    const d = await ok(img, ["run sh -c 'dpkg-reconfigure -f noninteractive tzdata >/dev/null 2>&1; readlink /etc/localtime; cat /etc/timezone'"]);
    expect(d.stdout).toBe('/usr/share/zoneinfo/Europe/Berlin\nEurope/Berlin\n');
    expect(await json(img, 'timezone')).toMatchObject({ zone: 'Europe/Berlin', timezoneFile: 'Europe/Berlin' });
  });

  it('locale de_DE.UTF-8: written, with a note that it is not generated (the guest\'s locale agrees)', async () => {
    const r = await ok(img, ['locale de_DE.UTF-8']);
    expect(r.stderr).toMatch(/note: de_DE\.UTF-8 is not generated in the guest.*locale\.gen.*locale-gen/);
    expect(await guestCat(img, '/etc/default/locale')).toBe('LANG=de_DE.UTF-8\n');
    const g = await ok(img, ["run sh -c '. /etc/default/locale; export LANG; locale >/dev/null'"]);
    expect(g.stderr).toMatch(/Cannot set LC_/);
  });

  it('locale C.UTF-8 and en_US.UTF-8 (generated): no note, and the guest accepts them', async () => {
    const c = await ok(img, ['locale C.UTF-8']);
    expect(c.stderr).not.toMatch(/not generated|could not check/);
    expect(await guestCat(img, '/etc/default/locale')).toBe('LANG=C.UTF-8\n');
    const en = await ok(img, ['locale en_US.UTF-8']);
    expect(en.stderr).not.toMatch(/not generated|could not check/);
    const g = await ok(img, ["run sh -c '. /etc/default/locale; export LANG; locale 2>&1 >/dev/null; echo LANG=$LANG'"]);
    expect(g.stdout).toBe('LANG=en_US.UTF-8\n');
    const bad = await shell(img, ['locale de-DE']);
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toContain('not a locale name');
  });

});

describe('RHEL-style directory guest', () => {
  let root: string;
  beforeAll(() => {
    root = rhelLike(dir.path, { selinux: 'enforcing' });
  });

  it('timezone: relative link, no /etc/timezone, the guest\'s date reads it', async () => {
    const dry = await ok(root, ['timezone Asia/Tokyo --dry-run']);
    expect(dry.stdout).toContain('would link /etc/localtime -> ../usr/share/zoneinfo/Asia/Tokyo (was -> ../usr/share/zoneinfo/UTC)');
    expect(readlinkSync(join(root, 'etc/localtime'))).toBe('../usr/share/zoneinfo/UTC');
    await ok(root, ['timezone Europe/Berlin']);
    const g = await ok(root, ['run readlink /etc/localtime', 'run date +%Z']);
    const [link, abbr] = g.stdout.trim().split('\n');
    expect(link).toBe('../usr/share/zoneinfo/Europe/Berlin');
    expect(abbr).toMatch(/^CES?T$/);
    expect(existsSync(join(root, 'etc/timezone'))).toBe(false);
    expect(existsSync(join(root, 'etc/.localtime'))).toBe(false);
  });

});

describe('hostile image', () => {
  const canary = '/tmp/guestctl-canary';
  const hostFiles = ['/etc/shadow', '/etc/hosts', '/etc/hostname', '/etc/timezone', '/etc/locale.conf', '/etc/default/locale', '/etc/selinux/config', '/.autorelabel'];
  let before: Record<string, string | null>;
  const snapshot = () =>
    Object.fromEntries(hostFiles.map((p) => [p, existsSync(p) ? `${statSync(p).mtimeMs}:${readFileSync(p, 'utf8')}` : null]));

  beforeAll(() => {
    mkdirSync(canary, { recursive: true });
    writeFileSync(`${canary}/motd`, 'HOST MOTD CANARY\n');
    writeFileSync(`${canary}/issue`, 'HOST ISSUE CANARY\n');
    rmSync(`${canary}/created-by-guest`, { force: true });
    before = snapshot();
  });

  afterAll(() => {
    expect(snapshot()).toEqual(before);
    expect(readFileSync(`${canary}/motd`, 'utf8')).toBe('HOST MOTD CANARY\n');
    expect(readFileSync(`${canary}/issue`, 'utf8')).toBe('HOST ISSUE CANARY\n');
    expect(existsSync(`${canary}/created-by-guest`)).toBe(false);
  });

  it('every command: host files untouched, the symlinked /etc/hostname is neither written nor printed', async () => {
    const img = await workCopy('hostile', dir.path);
    const hostShadowRoot = readFileSync('/etc/shadow', 'utf8').split('\n').find((l) => l.startsWith('root:'))!;

    const shown = await shell(img, ['hostname']);
    expect(shown.code).toBe(0);
    expect(shown.stderr).toContain('/etc/hostname is a symbolic link to "/../../../../etc/shadow"');
    expect(shown.stdout + shown.stderr).not.toContain('GUEST-SHADOW');
    expect(shown.stdout + shown.stderr).not.toContain(hostShadowRoot);

    const set = await shell(img, ['hostname web01']);
    expect(set.code).not.toBe(0);
    expect(set.stderr).toContain('refusing to read or write through it');

    const tz = await shell(img, ['timezone', 'timezone UTC'], ['--keep-going']);
    expect(tz.stderr).toContain('no time zone database');
    const loc = await shell(img, ['locale', 'locale C.UTF-8', 'locale'], ['--keep-going']);
    expect(loc.code, loc.stderr).toBe(0);
    const se = await shell(img, ['selinux', 'selinux enforcing'], ['--keep-going']);
    expect(se.stdout).toContain('not installed');
    expect(se.stderr).toContain('no SELinux');

    // The guest's own files: its shadow still holds its own line, the links are still links.
    const g = await ok(img, ['run cat /etc/shadow /etc/locale.conf', 'run ls -l /etc/hostname /etc/hosts']);
    expect(g.stdout).toMatch(/^root:GUEST-SHADOW:19000:0:99999:7:::\nLANG=C\.UTF-8\n/);
    expect(g.stdout).toContain('/etc/hostname -> /../../../../etc/shadow');
    expect(g.stdout).toContain('/etc/hosts -> /etc/../../../../../etc/hosts');
  });
});
