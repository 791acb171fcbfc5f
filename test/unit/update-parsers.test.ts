import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { aptUpdateFailure, isSecurityOrigin, parseAptSimulate } from '../../src/parsers/apt-simulate.js';
import { parseCheckUpdate, parseSecurityAdvisories } from '../../src/parsers/rpm-updates.js';
import { parseApkVersion, parsePacmanQu } from '../../src/parsers/upgrade-lines.js';
import { parseZypperTable } from '../../src/parsers/zypper-updates.js';

// The pending-update parsers on what the managers print. debian12-apt-get-s-dist-upgrade is a
// real run on the Debian fixture with bookworm-security added; the others follow the formats
// the tools document (dnf check-update, updateinfo, zypper's tables, apk version, pacman -Qu).

const sample = (name: string) => readFileSync(new URL(`samples/updates/${name}`, import.meta.url), 'utf8');

describe('apt-get -s', () => {
  it('Debian 12: upgrades, new packages and their origins; security from the -security archive', () => {
    const sim = parseAptSimulate(sample('debian12-apt-get-s-dist-upgrade'));
    expect(sim.upgrades).toHaveLength(17);
    expect(sim.installs.map((i) => i.name)).toEqual(['apparmor', 'firmware-linux-free', 'linux-image-6.1.0-57-amd64']);
    expect(sim.upgrades.find((u) => u.name === 'zlib1g')).toEqual({
      name: 'zlib1g',
      arch: 'amd64',
      current: '1:1.2.13.dfsg-1',
      candidate: '1:1.2.13.dfsg-1+deb12u1',
      origins: ['Debian-Security:12/oldstable-security'],
      security: true,
    });
    // a trailing "[libpam-modules:amd64 ]" (what the step breaks meanwhile) is not part of the version
    expect(sim.upgrades.find((u) => u.name === 'libpam-modules-bin')).toMatchObject({ candidate: '1.5.2-6+deb12u3', arch: 'amd64' });
    expect(sim.installs.find((u) => u.name === 'apparmor')).toMatchObject({ current: null, security: false, origins: ['Debian:12.15/oldstable'] });
    expect(sim.removals).toEqual([]);
  });

  it('Ubuntu 22.04: several origins, kept-back packages absent, removals', () => {
    const sim = parseAptSimulate(sample('ubuntu2204-apt-get-s-upgrade'));
    expect(sim.upgrades.map((u) => [u.name, u.security])).toEqual([
      ['libc6', true],
      ['libc-bin', true],
      ['openssh-client', true],
      ['tzdata', false],
    ]);
    expect(sim.upgrades[0]!.origins).toEqual(['Ubuntu:22.04/jammy-updates', 'Ubuntu:22.04/jammy-security']);
    expect(sim.removals).toEqual([{ name: 'libfoo1', version: '1.0-1' }]);
  });

  it.each([
    ['Debian-Security:12/stable-security', true],
    ['Debian-Security:12/bookworm-security', true],
    ['Ubuntu:22.04/jammy-security', true],
    ['Debian:12.8/stable', false],
    ['Ubuntu:22.04/jammy-updates', false],
    ['local', false],
  ])('%s is a security origin: %s', (origin, security) => expect(isSecurityOrigin(origin)).toBe(security));

  it('apt-get update: an unreachable mirror is a failure although apt exits 0', () => {
    expect(aptUpdateFailure(sample('debian12-apt-get-update-offline'))).toBe("could not reach deb.debian.org (Temporary failure resolving 'deb.debian.org')");
    expect(aptUpdateFailure('W: Failed to fetch http://deb.debian.org/debian/dists/x/InRelease  404  Not Found [IP: 1.2.3.4 80]\n')).toBe(
      'could not fetch http://deb.debian.org/debian/dists/x/InRelease (404  Not Found [IP: 1.2.3.4 80])',
    );
    expect(aptUpdateFailure("E: The repository 'http://x bookworm InRelease' is not signed.\n")).toBe("The repository 'http://x bookworm InRelease' is not signed.");
    expect(aptUpdateFailure('Hit:1 http://deb.debian.org/debian bookworm InRelease\nReading package lists...\n')).toBeNull();
  });
});

describe('dnf and yum', () => {
  it('check-update: NAME.ARCH VERSION REPO, wrapped long names, the Obsoleting section ignored', () => {
    expect(parseCheckUpdate(sample('rhel9-dnf-check-update'))).toEqual([
      { name: 'bash', arch: 'x86_64', version: '5.1.8-9.el9', repository: 'baseos' },
      { name: 'openssl', arch: 'x86_64', version: '1:3.0.7-27.el9', repository: 'baseos' },
      { name: 'openssl-libs', arch: 'x86_64', version: '1:3.0.7-27.el9', repository: 'baseos' },
      { name: 'python3-libdnf-plugins-core-extra-long-name', arch: 'noarch', version: '4.3.0-13.el9', repository: 'baseos' },
      { name: 'tzdata', arch: 'noarch', version: '2024a-1.el9', repository: 'appstream' },
    ]);
  });

  it('updateinfo: the packages of security advisories only (dnf and yum)', () => {
    expect([...parseSecurityAdvisories(sample('rhel9-dnf-updateinfo-security'))]).toEqual(['openssl.x86_64', 'openssl-libs.x86_64']);
    expect([...parseSecurityAdvisories(sample('centos7-yum-updateinfo-security'))]).toEqual(['openssl.x86_64', 'openssl-libs.x86_64']);
  });
});

describe('zypper, apk, pacman', () => {
  it('zypper tables: rows keyed by the header', () => {
    const rows = parseZypperTable(sample('sles15-zypper-list-updates'));
    expect(rows).toHaveLength(2);
    expect(rows[0]).toMatchObject({ Name: 'libopenssl3', 'Current Version': '3.0.8-150500.5.8.1', 'Available Version': '3.0.8-150500.5.14.1', Arch: 'x86_64' });
    const patches = parseZypperTable(sample('sles15-zypper-list-patches-security'));
    expect(patches.map((p) => [p['Name'], p['Status']])).toEqual([
      ['SUSE-SLE-Module-Basesystem-15-SP5-2024-1234', 'needed'],
      ['SUSE-SLE-Module-Basesystem-15-SP5-2023-999', 'applied'],
    ]);
    expect(parseZypperTable('No updates found.\n')).toEqual([]);
  });

  it("apk version -l '<': names that contain digits and dashes", () => {
    expect(parseApkVersion(sample('alpine319-apk-version'))).toEqual([
      { name: 'busybox', current: '1.36.1-r15', candidate: '1.36.1-r20', ignored: false },
      { name: 'libcrypto3', current: '3.1.4-r5', candidate: '3.1.7-r0', ignored: false },
      { name: 'py3-setuptools', current: '70.3.0-r0', candidate: '70.3.0-r1', ignored: false },
    ]);
  });

  it('pacman -Qu: ignored packages marked', () => {
    expect(parsePacmanQu(sample('arch-pacman-Qu'))).toEqual([
      { name: 'glibc', current: '2.39-1', candidate: '2.40-1', ignored: false },
      { name: 'linux', current: '6.9.7.arch1-1', candidate: '6.10.1.arch1-1', ignored: true },
    ]);
  });
});
