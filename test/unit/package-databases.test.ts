import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseApkInstalled } from '../../src/parsers/apk-installed.js';
import { isInstalled, parseDpkgStatus, parseStanzas } from '../../src/parsers/dpkg-status.js';
import { parsePacmanDesc, parsePacmanFields } from '../../src/parsers/pacman-desc.js';
import { parseRpmQuery } from '../../src/packages/rpm-query.js';

// The package databases as the distributions write them (test/unit/samples/packages/):
// Debian 12 and Ubuntu 22.04 dpkg status files, Arch pacman desc files, an Alpine 3.20
// installed db, and Rocky 9's `rpm -qa --queryformat` output.

const sample = (name: string) => readFileSync(new URL(`./samples/packages/${name}`, import.meta.url), 'utf8');

describe('dpkg status', () => {
  it('keeps installed packages, also one selected for removal, not config-files or half-configured ones', () => {
    const pkgs = parseDpkgStatus(sample('debian12-dpkg-status'));
    expect(pkgs.map((p) => p.name)).toEqual(['bash', 'openssh-server', 'vim-tiny']);
  });

  it('reads version (with epoch), arch, Installed-Size in KiB and the first description line', () => {
    const [bash, sshd] = parseDpkgStatus(sample('debian12-dpkg-status'));
    expect(bash).toEqual({ name: 'bash', version: '5.2.15-2+b13', arch: 'amd64', installedSize: 7164 * 1024, summary: 'GNU Bourne Again SHell' });
    expect(sshd).toMatchObject({ version: '1:9.2p1-2+deb12u10', summary: 'secure shell (SSH) server, for secure access from remote machines' });
  });

  it('joins continuation lines (multi-line Breaks, Conffiles, Description) to their field', () => {
    const [libc] = parseStanzas(sample('ubuntu2204-dpkg-status'));
    expect(libc!.get('Breaks')).toBe('busybox (<< 1.30.1-6), hurd (<< 1:0.9.git20220301-2),\nlibtirpc1 (<< 0.2.3), locales (<< 2.35), locales-all (<< 2.35),\nnscd (<< 2.35)');
    expect(libc!.get('Description')!.split('\n')).toHaveLength(4);
    expect(libc!.get('Original-Maintainer')).toBe('GNU Libc Maintainers <debian-glibc@lists.debian.org>');
  });

  it('lists a multi-arch package once per architecture', () => {
    const pkgs = parseDpkgStatus(sample('ubuntu2204-dpkg-status'));
    expect(pkgs.map((p) => `${p.name}:${p.arch}`)).toEqual(['libc6:amd64', 'libc6:i386', 'ubuntu-minimal:amd64']);
    expect(pkgs[2]!.installedSize).toBe(50 * 1024);
  });

  it.each([
    ['install ok installed', true],
    ['hold ok installed', true],
    ['deinstall ok installed', true],
    ['install ok half-configured', false],
    ['install ok unpacked', false],
    ['deinstall ok config-files', false],
    ['purge ok not-installed', false],
  ])('Status: %s → installed %s', (status, want) => {
    expect(isInstalled(new Map([['Status', status]]))).toBe(want);
  });

  it('a missing Installed-Size is null; an empty file has no packages; a line of spaces separate stanzas', () => {
    expect(parseDpkgStatus('Package: a\nStatus: install ok installed\nVersion: 1\nArchitecture: all\nDescription: x\n')[0]!.installedSize).toBeNull();
    expect(parseDpkgStatus('')).toEqual([]);
    expect(parseDpkgStatus('Package: a\nStatus: install ok installed\n \nPackage: b\nStatus: install ok installed\n').map((p) => p.name)).toEqual(['a', 'b']);
  });
});

describe('pacman local desc', () => {
  it('reads name, version, arch, %SIZE% in bytes and %DESC%', () => {
    expect(parsePacmanDesc(sample('arch-bash-desc'))).toEqual({ name: 'bash', version: '5.2.026-2', arch: 'x86_64', installedSize: 9062170, summary: 'The GNU Bourne Again shell' });
    expect(parsePacmanDesc(sample('arch-filesystem-desc'))).toMatchObject({ name: 'filesystem', arch: 'any', installedSize: 21900 });
    expect(parsePacmanDesc(sample('arch-ca-certificates-mozilla-desc'))!.summary).toBe("Mozilla's set of trusted CA certificates");
  });

  it('keeps every value line of a list field, and an empty field empty', () => {
    const f = parsePacmanFields(sample('arch-bash-desc'));
    expect(f.get('DEPENDS')).toEqual(['readline', 'libreadline.so=8-64', 'glibc', 'ncurses']);
    expect(parsePacmanFields(sample('arch-filesystem-desc')).get('BACKUP')).toEqual([]);
  });

  it('a desc without %NAME% is no package', () => {
    expect(parsePacmanDesc('%VERSION%\n1-1\n\n')).toBeNull();
  });
});

describe('apk installed db', () => {
  it('reads P/V/A/I/T of each stanza, ignoring the file lists', () => {
    expect(parseApkInstalled(sample('alpine320-apk-installed'))).toEqual([
      { name: 'musl', version: '1.2.5-r0', arch: 'x86_64', installedSize: 657408, summary: 'the musl c library (libc) implementation' },
      { name: 'busybox', version: '1.36.1-r29', arch: 'x86_64', installedSize: 946176, summary: 'Size optimized toolbox of many common UNIX utilities' },
      { name: 'alpine-baselayout', version: '3.6.5-r0', arch: 'x86_64', installedSize: 315392, summary: 'Alpine base dir structure and init scripts' },
    ]);
  });

  it('the last stanza needs no trailing blank line', () => {
    expect(parseApkInstalled('P:zlib\nV:1.3.1-r1\nA:aarch64\nT:A compression/decompression Library').map((p) => p.name)).toEqual(['zlib']);
  });
});

describe('rpm -qa --queryformat output', () => {
  it('reads the tab-separated lines, an epoch kept in the version, gpg-pubkey without an arch', () => {
    const pkgs = parseRpmQuery(sample('rocky9-rpm-qa'));
    expect(pkgs[0]).toEqual({ name: 'bash', version: '5.1.8-9.el9', arch: 'x86_64', installedSize: 7738634, summary: 'The GNU Bourne Again shell' });
    expect(pkgs.find((p) => p.name === 'gpg-pubkey')?.arch).toBe('');
    expect(pkgs.find((p) => p.name === 'dbus')?.version).toBe('1:1.12.20-8.el9');
  });
});
