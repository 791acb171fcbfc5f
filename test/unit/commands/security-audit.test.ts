import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { fakeGuest, type ExecHandler } from '../../helpers/fake-guest.js';
import { PRIVATE_LISTS } from '../../../src/packages/check-updates/apt.js';
import { fails, json, ok } from './_session.js';

// check-updates and packages --upgradable on fake guests: which programs run (with network
// only for the refresh), how apt's refresh and simulation are read, the errors. The e2e test
// (test/e2e/check-updates.test.ts) compares with the guest's own apt on the Debian fixture.

const sample = (name: string) => readFileSync(new URL(`../samples/updates/${name}`, import.meta.url), 'utf8');
const simulation = sample('debian12-apt-get-s-dist-upgrade');
const UPDATED = 'Hit:1 http://deb.debian.org/debian bookworm InRelease\nReading package lists...\n';

/** The refresh-and-simulate script as the guest's sh runs it: apt-get update's text, then the simulation. */
const aptScript = (update: string, updateStatus = 0, sim = simulation, simStatus = 0): ExecHandler => ({
  stdout: `${update}@@ update ${updateStatus}\n${updateStatus === 0 ? `${sim}@@ simulate ${simStatus}\n` : ''}`,
});

const debian = (sh: ExecHandler, more: Record<string, ExecHandler> = {}) =>
  fakeGuest({ os: { distro: 'debian', packageFormat: 'deb', packageManager: 'apt' }, files: { '/var/lib/dpkg/status': sample('../packages/debian12-dpkg-status') }, exec: { '/bin/sh': sh, ...more } });

describe('check-updates (apt)', () => {
  it('lists upgrades and new packages with their security marks; the refresh has network', async () => {
    const g = debian(aptScript(UPDATED));
    const r = await json(g, 'check-updates');
    expect(r.manager).toBe('apt');
    expect(r.updates).toHaveLength(17);
    expect(r.updates.find((u: { name: string }) => u.name === 'openssl')).toEqual({
      name: 'openssl',
      arch: 'amd64',
      current: '3.0.20-1~deb12u2',
      candidate: '3.0.22-1~deb12u2',
      repository: 'Debian-Security:12/oldstable-security',
      security: true,
    });
    expect(r.newPackages.map((u: { name: string }) => u.name)).toEqual(['apparmor', 'firmware-linux-free', 'linux-image-6.1.0-57-amd64']);
    const [call] = g.execCalls;
    expect(call!.opts).toMatchObject({ network: true, env: { LC_ALL: 'C', DEBIAN_FRONTEND: 'noninteractive' } });
    expect(call!.argv[4]).toBe(''); // writable: the guest's own lists are refreshed
  });

  it('a read-only session refreshes into a private directory and still answers', async () => {
    const g = debian(aptScript(UPDATED));
    const r = await ok(g, ['check-updates --security'], ['--ro', '--json']);
    const data = JSON.parse(r.stdout);
    expect(data.updates.every((u: { security: boolean }) => u.security)).toBe(true);
    expect(data.newPackages.map((u: { name: string }) => u.name)).toEqual(['linux-image-6.1.0-57-amd64']);
    expect(g.execCalls[0]!.argv[4]).toBe(PRIVATE_LISTS);
  });

  it('prints a table with a summary line for humans', async () => {
    const r = await ok(debian(aptScript(UPDATED)), ['check-updates']);
    expect(r.stdout).toMatch(/^NAME\s+ARCH\s+CURRENT\s+CANDIDATE\s+SECURITY\s+FROM\n/);
    expect(r.stdout).toMatch(/apparmor\s+amd64\s+\(new\)\s+3\.0\.8-3\s+Debian:12\.15\/oldstable/);
    expect(r.stdout).toContain('17 to upgrade, 3 new, 18 security');
  });

  it.each([
    ['an unreachable mirror (apt exits 0)', aptScript(sample('debian12-apt-get-update-offline')), "error: apt-get update: could not reach deb.debian.org (Temporary failure resolving 'deb.debian.org')"],
    ['a failed refresh', aptScript('E: Could not get lock /var/lib/apt/lists/lock. It is held by process 42\n', 100), 'error: apt-get update: Could not get lock /var/lib/apt/lists/lock. It is held by process 42'],
    ['a failed simulation', { stdout: `${UPDATED}@@ update 0\n@@ simulate 100\n`, stderr: 'E: The package lists or status file could not be parsed or opened.\n' }, 'error: apt-get -s dist-upgrade: The package lists or status file could not be parsed or opened.'],
    ['a guest without sh', { code: 127, stderr: 'sh: not found' }, 'error: /bin/sh: not found in the guest'],
  ])('%s: one error line', async (_what, sh, line) => {
    expect(await fails(debian(sh), 'check-updates')).toBe(line);
  });
});

describe('check-updates (other managers)', () => {
  const rhel = (readOnly = false) =>
    fakeGuest({
      readOnly,
      os: { distro: 'rhel', packageFormat: 'rpm', packageManager: 'dnf' },
      exec: {
        dnf: (argv) => (argv.includes('check-update') ? { code: 100, stdout: sample('rhel9-dnf-check-update') } : { stdout: sample('rhel9-dnf-updateinfo-security') }),
      },
    });

  it('dnf: exit 100 means updates; security from updateinfo', async () => {
    const g = rhel();
    const r = await json(g, 'check-updates --security');
    expect(r.updates.map((u: { name: string }) => u.name)).toEqual(['openssl', 'openssl-libs']);
    expect(g.execCalls.map((c) => [c.argv.join(' '), c.opts.network])).toEqual([
      ['dnf -q check-update', true],
      ['dnf -q updateinfo list --security', true],
    ]);
  });

  it('dnf: exit 1 is an error; a read-only image is refused (dnf writes its cache there)', async () => {
    const g = fakeGuest({ os: { packageFormat: 'rpm', packageManager: 'dnf' }, exec: { dnf: { code: 1, stderr: 'Error: Failed to download metadata for repo baseos\n' } } });
    expect(await fails(g, 'check-updates')).toBe('error: dnf check-update: Error: Failed to download metadata for repo baseos');
    expect(await fails(rhel(true), 'check-updates')).toMatch(/^error: check-updates: dnf writes its refreshed metadata into the image, and this session is read-only/);
  });

  it('zypper: security per patch is a note; --security is refused as unknown per package', async () => {
    const zypper: ExecHandler = (argv) =>
      argv.includes('list-updates') ? { stdout: sample('sles15-zypper-list-updates') } : argv.includes('list-patches') ? { code: 100, stdout: sample('sles15-zypper-list-patches-security') } : {};
    const g = fakeGuest({ os: { packageFormat: 'rpm', packageManager: 'zypper' }, exec: { zypper } });
    const r = await ok(g, ['check-updates'], ['--json']);
    expect(JSON.parse(r.stdout).updates.map((u: { name: string; security: null }) => [u.name, u.security])).toEqual([
      ['libopenssl3', null],
      ['timezone', null],
    ]);
    expect(r.stderr).toContain('1 security patch needed: SUSE-SLE-Module-Basesystem-15-SP5-2024-1234');
    const before = g.execCalls.length;
    expect(await fails(g, 'check-updates --security')).toBe('error: check-updates --security: zypper does not say which package updates are security updates');
    expect(g.execCalls).toHaveLength(before); // refused before anything ran
  });

  it('pacman is refused with the reason', async () => {
    const g = fakeGuest({ os: { packageFormat: 'pacman', packageManager: 'pacman' } });
    expect(await fails(g, 'check-updates')).toMatch(/^error: pacman: refreshing the guest's sync databases \(pacman -Sy\) without upgrading would leave it a partial upgrade/);
    expect(g.execCalls).toEqual([]);
  });
});

describe('packages --upgradable', () => {
  const dpkgStatus = sample('../packages/debian12-dpkg-status');
  const simOf = (bashCandidate: string) => `Inst bash [5.2.15-2+b13] (${bashCandidate} Debian:12.15/oldstable [amd64])\nConf bash (${bashCandidate} Debian:12.15/oldstable [amd64])\n`;

  it("adds the candidate from the guest's current lists, without network", async () => {
    const g = fakeGuest({
      os: { packageFormat: 'deb', packageManager: 'apt' },
      files: { '/var/lib/dpkg/status': dpkgStatus, '/var/lib/apt/lists/deb.debian.org_debian_dists_bookworm_main_binary-amd64_Packages': 'Package: bash\n' },
      exec: { 'apt-get': { stdout: simOf('5.2.15-2+b14') } },
    });
    const r = await ok(g, ['packages --upgradable'], ['--json']);
    expect(JSON.parse(r.stdout)).toEqual([expect.objectContaining({ name: 'bash', version: '5.2.15-2+b13', candidate: '5.2.15-2+b14', arch: 'amd64' })]);
    expect(r.stderr).toBe('');
    expect(g.execCalls[0]!.opts.network).toBe(false);
    const table = await ok(g, ['packages --upgradable']);
    expect(table.stdout).toMatch(/^NAME\s+VERSION\s+CANDIDATE\s+ARCH\s+SIZE\s+SUMMARY\nbash\s+5\.2\.15-2\+b13\s+5\.2\.15-2\+b14\s+amd64\s/);
  });

  it('empty lists: a note saying how to refresh them, not an error', async () => {
    const g = fakeGuest({ os: { packageFormat: 'deb', packageManager: 'apt' }, files: { '/var/lib/dpkg/status': dpkgStatus }, exec: { 'apt-get': { stdout: 'Reading package lists...\n0 upgraded, 0 newly installed, 0 to remove and 0 not upgraded.\n' } } });
    const r = await ok(g, ['packages --upgradable'], ['--json']);
    expect(JSON.parse(r.stdout)).toEqual([]);
    expect(r.stderr).toContain('note: the package lists are empty: run check-updates on a writable session (or update) to refresh them');
  });

  it('pacman: pacman -Qu, exit 1 with no output is "nothing to upgrade"', async () => {
    const g = fakeGuest({ os: { packageFormat: 'pacman', packageManager: 'pacman' }, files: { '/var/lib/pacman/local/ALPM_DB_VERSION': '9\n' }, exec: { pacman: { code: 1 } } });
    expect(await json(g, 'packages --upgradable')).toEqual([]);
  });

  it('without --upgradable nothing runs in the guest', async () => {
    const g = fakeGuest({ os: { packageFormat: 'deb' }, files: { '/var/lib/dpkg/status': dpkgStatus } });
    await ok(g, ['packages']);
    expect(g.execCalls).toEqual([]);
  });
});
