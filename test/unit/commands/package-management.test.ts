import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { dir, fakeGuest, link } from '../../helpers/fake-guest.js';
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
