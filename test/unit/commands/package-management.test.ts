import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { dir, fakeGuest, link } from '../../helpers/fake-guest.js';
import { CliError } from '../../../src/util/errors.js';
import { RPM_QUERY_FORMAT } from '../../../src/packages/rpm-query.js';
import { fails, json, ok } from './_session.js';

// `packages` on fake guests of each package format: which database is read, the glob, the
// table and --json, and the errors. test/e2e/packages.test.ts compares with the guest's own
// dpkg-query on the Debian fixture and runs the hostile image.

const sample = (name: string) => readFileSync(new URL(`../samples/packages/${name}`, import.meta.url), 'utf8');

const debian = () => fakeGuest({ os: { distro: 'debian', packageFormat: 'deb' }, files: { '/var/lib/dpkg/status': sample('debian12-dpkg-status') } });

describe('packages', () => {
  it('dpkg: installed packages sorted by name, sizes in bytes, with --json', async () => {
    const rows = await json(debian(), 'packages');
    expect(rows.map((p: { name: string }) => p.name)).toEqual(['bash', 'openssh-server', 'vim-tiny']);
    expect(rows[0]).toEqual({ name: 'bash', version: '5.2.15-2+b13', arch: 'amd64', installedSize: 7164 * 1024, summary: 'GNU Bourne Again SHell' });
  });

  it('PATTERN is a glob on the name; no match is an empty list', async () => {
    const g = debian();
    expect((await json(g, "packages 'open*'")).map((p: { name: string }) => p.name)).toEqual(['openssh-server']);
    expect((await json(g, 'packages ba?h')).map((p: { name: string }) => p.name)).toEqual(['bash']);
    expect(await json(g, 'packages nano')).toEqual([]); // config-files only: not installed
    expect(await fails(g, "packages '[[:bogus:]]'")).toMatch(/invalid pattern/);
  });

  it('prints a table for humans', async () => {
    const r = await ok(debian(), ['packages bash']);
    expect(r.stdout).toMatch(/^NAME\s+VERSION\s+ARCH\s+SIZE\s+SUMMARY\n/);
    expect(r.stdout).toMatch(/bash\s+5\.2\.15-2\+b13\s+amd64\s+7\.0 MiB\s+GNU Bourne Again SHell/);
  });

  it('pacman: one desc per directory of the local db (ALPM_DB_VERSION and others skipped)', async () => {
    const g = fakeGuest({
      os: { distro: 'arch', packageFormat: 'pacman' },
      files: {
        '/var/lib/pacman/local/ALPM_DB_VERSION': '9\n',
        '/var/lib/pacman/local/bash-5.2.026-2/desc': sample('arch-bash-desc'),
        '/var/lib/pacman/local/filesystem-2024.04.07-1/desc': sample('arch-filesystem-desc'),
        '/var/lib/pacman/local/ca-certificates-mozilla-3.101-1/desc': sample('arch-ca-certificates-mozilla-desc'),
      },
    });
    const rows = await json(g, 'packages');
    expect(rows.map((p: { name: string; arch: string }) => `${p.name}:${p.arch}`)).toEqual(['bash:x86_64', 'ca-certificates-mozilla:x86_64', 'filesystem:any']);
  });

  it('apk: /lib/apk/db/installed', async () => {
    const g = fakeGuest({ os: { distro: 'alpine', packageFormat: 'apk' }, files: { '/lib/apk/db/installed': sample('alpine320-apk-installed') } });
    expect((await json(g, 'packages m*'))[0]).toMatchObject({ name: 'musl', version: '1.2.5-r0', installedSize: 657408 });
  });

  it("rpm: the guest's own rpm -qa with the query format, its output parsed", async () => {
    const g = fakeGuest({ os: { distro: 'rocky', packageFormat: 'rpm' }, files: { '/var/lib/rpm': dir() }, exec: { rpm: { stdout: sample('rocky9-rpm-qa') } } });
    const rows = await json(g, 'packages');
    expect(g.execCalls.map((c) => c.argv)).toEqual([['rpm', '-qa', '--queryformat', RPM_QUERY_FORMAT]]);
    expect(rows.map((p: { name: string }) => p.name)).toEqual(['bash', 'dbus', 'gpg-pubkey', 'openssh-server', 'tzdata']);
  });

  it('rpm: a failing rpm is an error naming it; a guest without rpm says so', async () => {
    const broken = fakeGuest({ os: { packageFormat: 'rpm' }, files: { '/usr/lib/sysimage/rpm': dir() }, exec: { rpm: { code: 1, stderr: 'error: rpmdb: BDB0113 Thread/process 1/2 failed\nerror: cannot open Packages database in /var/lib/rpm\n' } } });
    expect(await fails(broken, 'packages')).toBe('error: rpm -qa in the guest failed: error: cannot open Packages database in /var/lib/rpm');
    const noRpm = fakeGuest({ os: { packageFormat: 'rpm' }, files: { '/var/lib/rpm': dir() } });
    expect(await fails(noRpm, 'packages')).toMatch(/no rpm program/);
  });

  it('finds the database on disk when the inspected facts do not name one', async () => {
    const g = fakeGuest({ files: { '/lib/apk/db/installed': sample('alpine320-apk-installed') } });
    expect(await json(g, 'packages busybox')).toHaveLength(1);
  });

  it('a guest without any database, or with looping links where one would be, is a clear error', async () => {
    expect(await fails(fakeGuest({}), 'packages')).toBe(
      'error: no package database found: looked for /var/lib/dpkg/status, /var/lib/rpm, /usr/lib/sysimage/rpm, /var/lib/pacman/local, /lib/apk/db/installed',
    );
    const loops = fakeGuest({ files: { '/var/lib/dpkg/status': link('/var/lib/dpkg/other'), '/var/lib/dpkg/other': link('/var/lib/dpkg/status') } });
    expect(await fails(loops, 'packages')).toMatch(/no package database found/);
  });
});

// install / remove / update / search on fake guests: the steps run and in which order, the
// result (the installed lists compared), and the errors. test/e2e/package-install.test.ts runs
// the real apt-get on the Debian fixture.

const stanza = (name: string, version: string) =>
  `Package: ${name}\nStatus: install ok installed\nInstalled-Size: 100\nArchitecture: amd64\nVersion: ${version}\nDescription: the ${name} package\n`;
const statusOf = (...pkgs: [string, string][]) => pkgs.map(([n, v]) => stanza(n, v)).join('\n');
const KEEP = ['-o', 'Dpkg::Options::=--force-confdef', '-o', 'Dpkg::Options::=--force-confold'];

/** A Debian guest whose apt-get installs, removes or upgrades in its status file as told. */
function aptGuest(opts: { installs?: [string, string][]; fails?: { code: number; stdout?: string; stderr?: string }; audit?: string; lists?: boolean } = {}) {
  const base: [string, string][] = [['bash', '5.2.15-2+b13'], ['openssl', '3.0.11-1']];
  const g = fakeGuest({
    os: { distro: 'debian', packageFormat: 'deb', packageManager: 'apt' },
    files: { '/var/lib/dpkg/status': statusOf(...base), '/var/tmp': dir(), '/var/lib/apt/lists': dir(), ...(opts.lists ? { '/var/lib/apt/lists/deb.debian.org_debian_dists_bookworm_main_binary-amd64_Packages': '' } : {}) },
    exec: {
      'apt-get': (argv, _o, guest) => {
        const verb = argv.find((a) => ['update', 'install', 'remove', 'purge', 'upgrade'].includes(a));
        if (verb === 'update') return {};
        if (opts.fails) return opts.fails;
        if (verb === 'install') guest.add('/var/lib/dpkg/status', statusOf(...base, ...(opts.installs ?? [])));
        if (verb === 'remove' || verb === 'purge') guest.add('/var/lib/dpkg/status', statusOf(base[0]!));
        if (verb === 'upgrade') guest.add('/var/lib/dpkg/status', statusOf(base[0]!, ['openssl', '3.0.13-1']));
        return { stdout: 'Reading package lists...\n' };
      },
      dpkg: { stdout: opts.audit ?? '' },
      'apt-cache': { stdout: 'hello - example package based on GNU hello\n' },
    },
  });
  return g;
}

describe('install', () => {
  it('refreshes the lists, installs non-interactively and reports what was installed', async () => {
    const g = aptGuest({ installs: [['hello', '2.10-3']] });
    expect(await json(g, 'install hello --no-recommends')).toEqual({ installed: [{ name: 'hello', arch: 'amd64', version: '2.10-3' }], removed: [], upgraded: [] });
    expect(g.execCalls.map((c) => c.argv)).toEqual([
      ['apt-get', 'update'],
      ['apt-get', '-y', ...KEEP, 'install', '--no-install-recommends', '--', 'hello'],
    ]);
    expect(g.execCalls[1]!.opts).toMatchObject({ network: true, env: { DEBIAN_FRONTEND: 'noninteractive', LC_ALL: 'C' }, timeoutMs: 600_000 });
  });

  it('prints a table for humans; --timeout sets each step\'s limit', async () => {
    const g = aptGuest({ installs: [['hello', '2.10-3']] });
    const r = await ok(g, ['install hello --timeout 30']);
    expect(r.stdout).toBe('CHANGE     PACKAGE  ARCH   VERSION\ninstalled  hello    amd64  2.10-3\n');
    expect(g.execCalls.every((c) => c.opts.timeoutMs === 30_000)).toBe(true);
    expect(await fails(aptGuest(), 'install hello --timeout soon')).toMatch(/--timeout must be a number of seconds/);
  });

  it('a missing package: one line with the step, the cause and the last lines; dpkg --audit was asked', async () => {
    const g = aptGuest({ fails: { code: 100, stdout: 'Reading package lists...\nBuilding dependency tree...\n', stderr: 'E: Unable to locate package nosuch\n' } });
    expect(await fails(g, 'install nosuch')).toBe(
      "error: apt-get install failed: no package named nosuch in the guest's repositories; last output: Reading package lists... | Building dependency tree... | E: Unable to locate package nosuch",
    );
    expect(g.execCalls.map((c) => c.argv[0])).toEqual(['apt-get', 'apt-get', 'dpkg']);
    expect(g.text('/var/lib/dpkg/status')).toBe(statusOf(['bash', '5.2.15-2+b13'], ['openssl', '3.0.11-1']));
  });

  it('a held lock names the process; an unclean dpkg database is said, not hidden', async () => {
    const lock = aptGuest({
      fails: { code: 100, stderr: 'E: Could not get lock /var/lib/dpkg/lock-frontend. It is held by process 4242 (unattended-upgr)\n' },
      audit: 'The following packages are only half configured, probably due to problems\nconfiguring them the first time.\n hello example package\n',
    });
    const line = await fails(lock, 'install hello');
    expect(line).toMatch(/^error: apt-get install failed: the package database lock \/var\/lib\/dpkg\/lock-frontend is held by process 4242 \(unattended-upgr\); /);
    expect(line).toContain('and the dpkg database is not consistent (dpkg --audit: configuring them the first time. hello example package)');
  });

  it('a host package file is copied into /var/tmp, installed from there and removed', async () => {
    const hostDir = mkdtempSync(join(tmpdir(), 'guestctl-unit-deb-'));
    const deb = join(hostDir, 'tiny_1.0_all.deb');
    writeFileSync(deb, 'not really a deb');
    try {
      let seen = '';
      const g = aptGuest({ installs: [['tiny', '1.0']] });
      const apt = g.handlers.get('apt-get') as (a: string[], o: object, gg: typeof g) => object;
      g.on('apt-get', (argv, o, gg) => {
        const p = argv[argv.length - 1]!;
        if (p.startsWith('/var/tmp/')) seen = `${p} ${gg.text(p)}`;
        return apt(argv, o, gg);
      });
      expect((await json(g, `install ${deb}`)).installed).toEqual([{ name: 'tiny', arch: 'amd64', version: '1.0' }]);
      expect(seen).toMatch(/^\/var\/tmp\/\.guestctl-[0-9a-f]{32}\.deb not really a deb$/);
      expect(await g.fs.list('/var/tmp')).toEqual([]);
    } finally {
      rmSync(hostDir, { recursive: true, force: true });
    }
  });

  it('the copy is removed when the install fails too', async () => {
    const hostDir = mkdtempSync(join(tmpdir(), 'guestctl-unit-deb-'));
    const deb = join(hostDir, 'tiny_1.0_all.deb');
    writeFileSync(deb, 'x');
    try {
      const g = aptGuest({ fails: { code: 100, stderr: 'dpkg: dependency problems prevent configuration of tiny:\n' } });
      expect(await fails(g, `install ${deb}`)).toMatch(/^error: apt-get install failed: unmet dependencies of tiny; /);
      expect(await g.fs.list('/var/tmp')).toEqual([]);
    } finally {
      rmSync(hostDir, { recursive: true, force: true });
    }
  });

  it('refuses names that would be options, read-only sessions, and guests without a known manager', async () => {
    expect(await fails(aptGuest(), 'install -- -o')).toBe('error: not a package name: "-o"');
    expect(await fails(aptGuest(), 'install')).toMatch(/PKG/);
    expect(await fails(aptGuest(), 'install hello', ['--ro'])).toMatch(/read-only/);
    expect(await fails(fakeGuest({ files: { '/var/lib/dpkg/status': '' } }), 'install hello')).toBe(
      'error: no package manager found in the guest (apt, dnf, yum, zypper, pacman or apk)',
    );
    const noApt = fakeGuest({ os: { packageFormat: 'deb', packageManager: 'apt' }, files: { '/var/lib/dpkg/status': '' } });
    expect(await fails(noApt, 'install hello')).toBe('error: apt-get update: the guest has no apt-get');
  });

  it('dnf: no separate refresh, the package named after --', async () => {
    const g = fakeGuest({ os: { packageFormat: 'rpm', packageManager: 'dnf' }, files: { '/var/lib/rpm': dir() }, exec: { rpm: { stdout: '' }, dnf: {} } });
    expect(await json(g, 'install nginx')).toEqual({ installed: [], removed: [], upgraded: [] });
    // The change journal queries the package set before and after as well (the outer two queries).
    expect(g.execCalls.map((c) => c.argv)).toEqual([
      ['rpm', '-qa', '--queryformat', RPM_QUERY_FORMAT],
      ['rpm', '-qa', '--queryformat', RPM_QUERY_FORMAT],
      ['dnf', '-y', 'install', '--', 'nginx'],
      ['rpm', '-qa', '--queryformat', RPM_QUERY_FORMAT],
      ['rpm', '-qa', '--queryformat', RPM_QUERY_FORMAT],
    ]);
  });
  it('a failed dnf step asks rpm --verifydb and says when the database is damaged', async () => {
    const g = fakeGuest({
      os: { packageFormat: 'rpm', packageManager: 'dnf' },
      files: { '/var/lib/rpm': dir() },
      exec: {
        rpm: (argv) => (argv.includes('--verifydb') ? { code: 1, stderr: 'error: rpmdb: damaged header #12 retrieved -- skipping.\n' } : { stdout: '' }),
        dnf: { code: 1, stderr: 'Error: Transaction test error:\n  installing package nginx needs 12MB more space on the / filesystem\n' },
      },
    });
    const line = await fails(g, 'install nginx');
    expect(line).toContain('and the rpm database is not consistent (rpm --verifydb: error: rpmdb: damaged header #12 retrieved -- skipping.)');
    expect(g.execCalls.map((c) => c.argv.slice(0, 2))).toContainEqual(['rpm', '--verifydb']);
  });
});

describe('remove and update', () => {
  it('remove (and --purge) without refreshing the lists, reporting what was removed', async () => {
    const g = aptGuest();
    expect(await json(g, 'remove openssl --purge')).toEqual({ installed: [], removed: [{ name: 'openssl', arch: 'amd64', version: '3.0.11-1' }], upgraded: [] });
    expect(g.execCalls.map((c) => c.argv)).toEqual([['apt-get', '-y', ...KEEP, 'purge', '--', 'openssl']]);
    expect(g.execCalls[0]!.opts.network).toBe(false);
  });

  it('update refreshes the lists and upgrades, reporting from and to', async () => {
    const g = aptGuest();
    expect((await json(g, 'update')).upgraded).toEqual([{ name: 'openssl', arch: 'amd64', from: '3.0.11-1', to: '3.0.13-1' }]);
    expect(g.execCalls.map((c) => c.argv.slice(-1)[0])).toEqual(['update', 'upgrade']);
  });
});

describe('search', () => {
  it('apt-cache search on the lists the guest has', async () => {
    const g = aptGuest({ lists: true });
    expect(await json(g, 'search hello')).toEqual([{ name: 'hello', summary: 'example package based on GNU hello' }]);
    expect(g.execCalls.map((c) => c.argv)).toEqual([['apt-cache', 'search', '--', 'hello']]);
  });

  it('no lists: fetched first with a note; refused on a read-only session', async () => {
    const g = aptGuest();
    const r = await ok(g, ['search hello']);
    expect(r.stderr).toContain('note: the guest has no package lists: fetching them with apt-get update');
    expect(g.execCalls.map((c) => c.argv[0])).toEqual(['apt-get', 'apt-cache']);
    expect(await fails(aptGuest(), 'search hello', ['--ro'])).toMatch(/^error: the guest has no package lists, and this session is read-only/);
  });
});

describe('timeouts', () => {
  it.each([
    ['the jail', new CliError('cancelled', 'run: timed out after 30000 ms: apt-get')],
    ['the agent', new CliError('failed', 'the guest command did not finish within 30 s: it was killed')],
  ])('a step stopped by %s names itself and --timeout', async (_who, err) => {
    const g = aptGuest();
    g.on('apt-get', () => {
      throw err;
    });
    expect(await fails(g, 'install hello --timeout 30')).toBe('error: apt-get update timed out after 30 s (raise it with --timeout SECONDS)');
  });
});
