import { existsSync, lstatSync, mkdirSync, readFileSync, readlinkSync, rmSync, statSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { leftovers, shell, tempDir } from '../helpers/cli.js';
import { workCopy } from '../helpers/fixtures.js';
import { RHEL_HOSTS, rhelLike, rhelSelinuxConfig } from '../helpers/rhel-like.js';

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

const DEBIAN_HOSTS = `127.0.0.1	localhost
127.0.1.1	deb12-fixture

# The following lines are desirable for IPv6 capable hosts
::1     localhost ip6-localhost ip6-loopback
ff02::1 ip6-allnodes
ff02::2 ip6-allrouters
`;

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

  it('refuses invalid host names and writes nothing', async () => {
    for (const bad of ['web_01', 'a..b', 'web.', `${'x'.repeat(64)}`, '10.0.0.1', 'web!', '-- -web']) {
      const r = await shell(img, [`hostname ${bad}`]);
      expect(r.code, bad).not.toBe(0);
      expect(r.stderr, bad).toMatch(/error: (not a valid host name|unknown option)/);
    }
    expect(await guestCat(img, '/etc/hostname')).toBe('deb12-fixture\n');
    expect(await guestCat(img, '/etc/hosts')).toBe(DEBIAN_HOSTS);
  });

  it('--dry-run shows the diff and writes nothing', async () => {
    const r = await ok(img, ['hostname web01 --dry-run']);
    expect(r.stdout).toContain('-127.0.1.1\tdeb12-fixture\n+127.0.1.1\tweb01\n');
    expect(r.stdout).toContain('+++ b/etc/hostname');
    expect(await guestCat(img, '/etc/hostname')).toBe('deb12-fixture\n');
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

  it('refuses a zone the guest does not have, a path, and a non-zone file; nothing changes', async () => {
    for (const [zone, why] of [
      ['Mars/Olympus_Mons', /no time zone 'Mars\/Olympus_Mons'/],
      ['../../../etc/shadow', /cannot contain '\.\.'/],
      ['/etc/shadow', /not a path/],
      ['zone.tab', /not a time zone file/],
      ['Europe', /directory/],
    ] as const) {
      const r = await shell(img, [`timezone ${zone}`]);
      expect(r.code, zone).not.toBe(0);
      expect(r.stderr, zone).toMatch(why);
    }
    expect((await ok(img, ['run readlink /etc/localtime'])).stdout).toBe('/usr/share/zoneinfo/Europe/Berlin\n');
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

  it('selinux on a guest without SELinux fails and says why', async () => {
    const r = await shell(img, ['selinux enforcing']);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('this guest has no SELinux (no /etc/selinux/config)');
    expect((await ok(img, ['run ls -a /'])).stdout).not.toContain('.autorelabel');
  });

  it('a read-only session shows but refuses to set', async () => {
    expect((await ok(img, ['hostname'], ['--ro'])).stdout).toContain('db02');
    const r = await shell(img, ['timezone UTC'], ['--ro']);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('read-only');
  });
});

describe('RHEL-style directory guest', () => {
  let root: string;
  beforeAll(() => {
    root = rhelLike(dir.path, { selinux: 'enforcing' });
  });

  it('hostname: written as given (FQDN), HOSTNAME= in /etc/sysconfig/network, /etc/hosts untouched, no 127.0.1.1', async () => {
    symlinkSync('hostname', join(root, 'etc/HOSTNAME')); // SUSE-style link: followed, written once
    await ok(root, ['hostname web01.example.com']);
    expect(readlinkSync(join(root, 'etc/HOSTNAME'))).toBe('hostname');
    expect(await guestCat(root, '/etc/hostname')).toBe('web01.example.com\n');
    expect(await guestCat(root, '/etc/sysconfig/network')).toBe('# Created by anaconda\nNETWORKING=yes\nHOSTNAME=web01.example.com\n');
    expect(await guestCat(root, '/etc/hosts')).toBe(RHEL_HOSTS);
    expect(await json(root, 'hostname')).toMatchObject({ hostname: 'web01.example.com', fqdn: 'web01.example.com' });
  });

  it('hostname: /etc/sysconfig/network without HOSTNAME= is left alone', async () => {
    const other = rhelLike(dir.path, { name: 'rhel-nohostname', sysconfigHostname: false, id: 'almalinux' });
    writeFileSync(join(other, 'etc/HOSTNAME'), 'rhel9-fixture.example.com\n'); // /etc/HOSTNAME as a file of its own
    await ok(other, ['hostname web02']);
    expect(readFileSync(join(other, 'etc/sysconfig/network'), 'utf8')).toBe('# Created by anaconda\n');
    expect(await guestCat(other, '/etc/HOSTNAME')).toBe('web02\n');
    expect(await guestCat(other, '/etc/hostname')).toBe('web02\n');
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

  it('locale: /etc/locale.conf keeps its quoting; a note says availability could not be checked', async () => {
    const r = await ok(root, ['locale de_DE.UTF-8']);
    expect(await guestCat(root, '/etc/locale.conf')).toBe('LANG="de_DE.UTF-8"\n');
    expect(r.stderr).toContain('could not check whether de_DE.UTF-8 is available');
    expect(existsSync(join(root, 'etc/default/locale'))).toBe(false);
  });

  it('selinux: enforcing -> permissive -> enforcing changes only SELINUX= and schedules no relabel', async () => {
    expect(await json(root, 'selinux')).toMatchObject({ installed: true, mode: 'enforcing', policy: 'targeted', relabelScheduled: false });
    await ok(root, ['selinux permissive']);
    expect(await guestCat(root, '/etc/selinux/config')).toBe(rhelSelinuxConfig('permissive'));
    const r = await ok(root, ['selinux enforcing']);
    expect(r.stdout).toContain('permissive -> enforcing');
    expect(await guestCat(root, '/etc/selinux/config')).toBe(rhelSelinuxConfig('enforcing'));
    expect(existsSync(join(root, '.autorelabel'))).toBe(false);
    expect((await ok(root, ['run readlink /etc/sysconfig/selinux'])).stdout).toBe('../selinux/config\n');
  });

  it('selinux: disabled -> enforcing creates /.autorelabel (empty, root, 0644) and says so', async () => {
    const d = await ok(root, ['selinux disabled']);
    expect(d.stderr).toContain('selinux=0');
    expect(existsSync(join(root, '.autorelabel'))).toBe(false);
    const dry = await ok(root, ['selinux enforcing --dry-run']);
    expect(dry.stdout).toContain('-SELINUX=disabled\n+SELINUX=enforcing');
    expect(existsSync(join(root, '.autorelabel'))).toBe(false);
    const r = await ok(root, ['selinux enforcing']);
    expect(r.stderr).toContain('scheduled a full SELinux relabel at next boot (/.autorelabel)');
    expect(await guestCat(root, '/etc/selinux/config')).toBe(rhelSelinuxConfig('enforcing'));
    expect((await ok(root, ['run stat -c %F:%a:%u:%g:%s /.autorelabel'])).stdout).toBe('regular empty file:644:0:0:0\n');
    expect(await json(root, 'selinux')).toMatchObject({ mode: 'enforcing', relabelScheduled: true });
  });

  it('symlinked identity files are refused, never written through (the guest\'s /etc/shadow stays)', async () => {
    const h = rhelLike(dir.path, { name: 'rhel-links', selinux: 'disabled' });
    const shadow = readFileSync(join(h, 'etc/shadow'), 'utf8');
    unlinkSync(join(h, 'etc/locale.conf'));
    symlinkSync('/../../etc/shadow', join(h, 'etc/locale.conf'));
    symlinkSync('/etc/shadow', join(h, '.autorelabel'));
    unlinkSync(join(h, 'etc/sysconfig/network'));
    symlinkSync('../../../../etc/shadow', join(h, 'etc/sysconfig/network'));
    unlinkSync(join(h, 'etc/localtime'));
    symlinkSync('/../../../etc/shadow', join(h, 'etc/localtime'));
    for (const [cmd, path] of [
      ['locale C.UTF-8', '/etc/locale.conf'],
      ['selinux enforcing', '/.autorelabel'],
      ['hostname web03', '/etc/sysconfig/network'],
    ]) {
      const r = await shell(h, [cmd!]);
      expect(r.code, cmd).not.toBe(0);
      expect(r.stderr, cmd).toContain(`${path} is a symbolic link to`);
    }
    // /etc/localtime is a link by design: it is replaced, never written through.
    await ok(h, ['timezone Asia/Tokyo']);
    expect(readlinkSync(join(h, 'etc/localtime'))).toBe('../usr/share/zoneinfo/Asia/Tokyo');
    expect(readFileSync(join(h, 'etc/shadow'), 'utf8')).toBe(shadow);
    expect(statSync(join(h, 'etc/shadow')).mode & 0o7777).toBe(0);
    expect(readFileSync(join(h, 'etc/hostname'), 'utf8')).toBe('rhel9-fixture\n');
    expect(readFileSync(join(h, 'etc/selinux/config'), 'utf8')).toBe(rhelSelinuxConfig('disabled'));
    expect(lstatSync(join(h, '.autorelabel')).isSymbolicLink()).toBe(true);
  });
});

describe('synthetic busybox guest', () => {
  it('selinux: not installed; setting it fails; timezone without a zoneinfo fails', async () => {
    const img = await workCopy('synthetic', dir.path);
    const shown = await ok(img, ['selinux']);
    expect(shown.stdout).toBe('SELinux: not installed (no /etc/selinux/config)\n');
    const r = await shell(img, ['selinux permissive']);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('this guest has no SELinux (no /etc/selinux/config)');
    const tz = await shell(img, ['timezone UTC']);
    expect(tz.code).not.toBe(0);
    expect(tz.stderr).toContain('no time zone database');
    expect(await json(img, 'timezone')).toMatchObject({ zone: null, localtime: null });
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
