import { describe, expect, it } from 'vitest';
import { fakeGuest, link, type FakeGuest } from '../../helpers/fake-guest.js';
import { RHEL_HOSTS, rhelSelinuxConfig } from '../../helpers/rhel-like.js';
import { rhelGuest, zones } from './_rhel.js';
import { names, ok, session } from './_session.js';
import { syntheticGuest } from './_synthetic.js';
import { DEBIAN_HOSTS } from '../../helpers/debian-files.js';

// hostname, timezone, locale, selinux on fake guests shaped like the e2e fixtures: what the
// commands write, print and refuse. test/e2e/system-config.test.ts keeps what the guest's own
// programs must agree with (hostname -f, getent, date, dpkg-reconfigure, locale) and the
// hostile image.

const debian = () =>
  fakeGuest({
    os: { type: 'linux', distro: 'debian', version: '12', packageFormat: 'deb', packageManager: 'apt', initSystem: 'systemd', hostname: 'deb12-fixture' },
    files: {
      '/etc/debian_version': '12.5\n',
      '/etc/hostname': 'deb12-fixture\n',
      '/etc/hosts': DEBIAN_HOSTS,
      '/etc/timezone': 'Etc/UTC\n',
      '/etc/localtime': link('/usr/share/zoneinfo/Etc/UTC'),
      '/etc/default/locale': 'LANG=C.UTF-8\n',
      ...zones('UTC', 'Etc/UTC', 'Europe/Berlin', 'Asia/Tokyo'),
      '/usr/share/zoneinfo/zone.tab': '# tz zone descriptions\n',
    },
  });

const rhel = rhelGuest;

const json = async (g: FakeGuest, cmd: string) => JSON.parse((await ok(g, [cmd], ['--json'])).stdout);

/** `stat -c %F:%a:%u:%g:%s` as the guest's busybox prints it. */
async function statF(g: FakeGuest, path: string): Promise<string> {
  const s = await g.fs.lstat(path);
  const type = s.type === 'file' ? (s.size === 0 ? 'regular empty file' : 'regular file') : s.type;
  return `${type}:${s.mode.toString(8)}:${s.uid}:${s.gid}:${s.size}\n`;
}

describe('Debian 12 guest', () => {
  const g = debian();

  it('refuses invalid host names and writes nothing', async () => {
    for (const bad of ['web_01', 'a..b', 'web.', `${'x'.repeat(64)}`, '10.0.0.1', 'web!', '-- -web']) {
      const r = await session(g, [`hostname ${bad}`]);
      expect(r.code, bad).not.toBe(0);
      expect(r.stderr, bad).toMatch(/error: (not a valid host name|unknown option)/);
    }
    expect(g.text('/etc/hostname')).toBe('deb12-fixture\n');
    expect(g.text('/etc/hosts')).toBe(DEBIAN_HOSTS);
  });

  it('--dry-run shows the diff and writes nothing', async () => {
    const r = await ok(g, ['hostname web01 --dry-run']);
    expect(r.stdout).toContain('-127.0.1.1\tdeb12-fixture\n+127.0.1.1\tweb01\n');
    expect(r.stdout).toContain('+++ b/etc/hostname');
    expect(g.text('/etc/hostname')).toBe('deb12-fixture\n');
  });

  it('refuses a zone the guest does not have, a path, and a non-zone file; nothing changes', async () => {
    await ok(g, ['timezone Europe/Berlin']);
    for (const [zone, why] of [
      ['Mars/Olympus_Mons', /no time zone 'Mars\/Olympus_Mons'/],
      ['../../../etc/shadow', /cannot contain '\.\.'/],
      ['/etc/shadow', /not a path/],
      ['zone.tab', /not a time zone file/],
      ['Europe', /directory/],
    ] as const) {
      const r = await session(g, [`timezone ${zone}`]);
      expect(r.code, zone).not.toBe(0);
      expect(r.stderr, zone).toMatch(why);
    }
    expect(`${await g.fs.readlink('/etc/localtime')}\n`).toBe('/usr/share/zoneinfo/Europe/Berlin\n');
  });

  it('selinux on a guest without SELinux fails and says why', async () => {
    const r = await session(g, ['selinux enforcing']);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('this guest has no SELinux (no /etc/selinux/config)');
    expect(await names(g, '/')).not.toContain('.autorelabel');
  });

  it('a read-only session shows but refuses to set', async () => {
    await g.fs.writeFile('/etc/hostname', 'db02\n');
    expect((await ok(g, ['hostname'], ['--ro'])).stdout).toContain('db02');
    const r = await session(g, ['timezone UTC'], ['--ro']);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('read-only');
  });
});

describe('RHEL-style directory guest', () => {
  const root = rhel({ selinux: 'enforcing' });

  it('hostname: written as given (FQDN), HOSTNAME= in /etc/sysconfig/network, /etc/hosts untouched, no 127.0.1.1', async () => {
    root.add('/etc/HOSTNAME', link('hostname')); // SUSE-style link: followed, written once
    await ok(root, ['hostname web01.example.com']);
    expect(await root.fs.readlink('/etc/HOSTNAME')).toBe('hostname');
    expect(root.text('/etc/hostname')).toBe('web01.example.com\n');
    expect(root.text('/etc/sysconfig/network')).toBe('# Created by anaconda\nNETWORKING=yes\nHOSTNAME=web01.example.com\n');
    expect(root.text('/etc/hosts')).toBe(RHEL_HOSTS);
    expect(await json(root, 'hostname')).toMatchObject({ hostname: 'web01.example.com', fqdn: 'web01.example.com' });
  });

  it('hostname: /etc/sysconfig/network without HOSTNAME= is left alone', async () => {
    const other = rhel({ sysconfigHostname: false, id: 'almalinux' });
    other.add('/etc/HOSTNAME', 'rhel9-fixture.example.com\n'); // /etc/HOSTNAME as a file of its own
    await ok(other, ['hostname web02']);
    expect(other.text('/etc/sysconfig/network')).toBe('# Created by anaconda\n');
    expect(other.text('/etc/HOSTNAME')).toBe('web02\n');
    expect(other.text('/etc/hostname')).toBe('web02\n');
  });

  it('locale: /etc/locale.conf keeps its quoting; a note says availability could not be checked', async () => {
    const r = await ok(root, ['locale de_DE.UTF-8']);
    expect(root.text('/etc/locale.conf')).toBe('LANG="de_DE.UTF-8"\n');
    expect(r.stderr).toContain('could not check whether de_DE.UTF-8 is available');
    expect(await root.fs.lexists('/etc/default/locale')).toBe(false);
  });

  it('selinux: enforcing -> permissive -> enforcing changes only SELINUX= and schedules no relabel', async () => {
    expect(await json(root, 'selinux')).toMatchObject({ installed: true, mode: 'enforcing', policy: 'targeted', relabelScheduled: false });
    await ok(root, ['selinux permissive']);
    expect(root.text('/etc/selinux/config')).toBe(rhelSelinuxConfig('permissive'));
    const r = await ok(root, ['selinux enforcing']);
    expect(r.stdout).toContain('permissive -> enforcing');
    expect(root.text('/etc/selinux/config')).toBe(rhelSelinuxConfig('enforcing'));
    expect(await root.fs.lexists('/.autorelabel')).toBe(false);
    expect(`${await root.fs.readlink('/etc/sysconfig/selinux')}\n`).toBe('../selinux/config\n');
  });

  it('selinux: disabled -> enforcing creates /.autorelabel (empty, root, 0644) and says so', async () => {
    const d = await ok(root, ['selinux disabled']);
    expect(d.stderr).toContain('selinux=0');
    expect(await root.fs.lexists('/.autorelabel')).toBe(false);
    const dry = await ok(root, ['selinux enforcing --dry-run']);
    expect(dry.stdout).toContain('-SELINUX=disabled\n+SELINUX=enforcing');
    expect(await root.fs.lexists('/.autorelabel')).toBe(false);
    const r = await ok(root, ['selinux enforcing']);
    expect(r.stderr).toContain('scheduled a full SELinux relabel at next boot (/.autorelabel)');
    expect(root.text('/etc/selinux/config')).toBe(rhelSelinuxConfig('enforcing'));
    expect(await statF(root, '/.autorelabel')).toBe('regular empty file:644:0:0:0\n');
    expect(await json(root, 'selinux')).toMatchObject({ mode: 'enforcing', relabelScheduled: true });
  });

  it("symlinked identity files are refused, never written through (the guest's /etc/shadow stays)", async () => {
    const h = rhel({ selinux: 'disabled' });
    const shadow = h.text('/etc/shadow');
    h.add('/etc/locale.conf', link('/../../etc/shadow'));
    h.add('/.autorelabel', link('/etc/shadow'));
    h.add('/etc/sysconfig/network', link('../../../../etc/shadow'));
    h.add('/etc/localtime', link('/../../../etc/shadow'));
    for (const [cmd, path] of [
      ['locale C.UTF-8', '/etc/locale.conf'],
      ['selinux enforcing', '/.autorelabel'],
      ['hostname web03', '/etc/sysconfig/network'],
    ]) {
      const r = await session(h, [cmd!]);
      expect(r.code, cmd).not.toBe(0);
      expect(r.stderr, cmd).toContain(`${path} is a symbolic link to`);
    }
    // /etc/localtime is a link by design: it is replaced, never written through.
    await ok(h, ['timezone Asia/Tokyo']);
    expect(await h.fs.readlink('/etc/localtime')).toBe('../usr/share/zoneinfo/Asia/Tokyo');
    expect(h.text('/etc/shadow')).toBe(shadow);
    expect((await h.fs.stat('/etc/shadow')).mode & 0o7777).toBe(0);
    expect(h.text('/etc/hostname')).toBe('rhel9-fixture\n');
    expect(h.text('/etc/selinux/config')).toBe(rhelSelinuxConfig('disabled'));
    expect((await h.fs.lstat('/.autorelabel')).type).toBe('symlink');
  });
});

describe('synthetic busybox guest', () => {
  it('selinux: not installed; setting it fails; timezone without a zoneinfo fails', async () => {
    const img = syntheticGuest();
    const shown = await ok(img, ['selinux']);
    expect(shown.stdout).toBe('SELinux: not installed (no /etc/selinux/config)\n');
    const r = await session(img, ['selinux permissive']);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('this guest has no SELinux (no /etc/selinux/config)');
    const tz = await session(img, ['timezone UTC']);
    expect(tz.code).not.toBe(0);
    expect(tz.stderr).toContain('no time zone database');
    expect(await json(img, 'timezone')).toMatchObject({ zone: null, localtime: null });
  });
});
