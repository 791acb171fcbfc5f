import { describe, expect, it } from 'vitest';
import { countApkInstalled, countDpkgInstalled, debianPointRelease, preciser, redhatReleaseVersion } from '../../src/inspect/os-details.js';

describe('Debian point release', () => {
  it.each([
    ['12', '12.7\n', '12.7'],
    ['11', '11.11\n', '11.11'],
    ['12', 'trixie/sid\n', null],
    ['12', '11.9\n', null],
    [null, '10.13', '10.13'],
  ])('os-release %s with debian_version %j → %s', (versionId, text, want) => {
    expect(debianPointRelease(versionId, text)).toBe(want);
  });
});

describe('Red Hat family release', () => {
  it.each([
    ['Red Hat Enterprise Linux release 9.4 (Plow)\n', '9.4'],
    ['CentOS Linux release 7.9.2009 (Core)\n', '7.9'],
    ['CentOS Stream release 9\n', '9'],
    ['Fedora release 40 (Forty)\n', '40'],
    ['Rocky Linux release 8.10 (Green Obsidian)\n', '8.10'],
    ['garbage', null],
  ])('%j → %s', (text, want) => {
    expect(redhatReleaseVersion(text)).toBe(want);
  });

  it.each([
    ['9', '9.4', '9.4'],
    ['9.4', '9', '9.4'],
    ['9', '8.10', '9'],
    [null, '7.9', '7.9'],
    ['40', null, '40'],
  ])('preciser(%s, %s) = %s', (a, b, want) => {
    expect(preciser(a, b)).toBe(want);
  });
});

describe('installed package counts', () => {
  it('counts dpkg stanzas that are installed, not removed or half-configured ones', () => {
    const status = [
      'Package: bash\nStatus: install ok installed\nVersion: 5.2\n',
      'Package: old\nStatus: deinstall ok config-files\nVersion: 1\n',
      'Package: half\nStatus: install ok half-configured\n',
      'Package: coreutils\nStatus: install ok installed\nDescription: x\n more\n',
    ].join('\n');
    expect(countDpkgInstalled(status)).toBe(2);
    expect(countDpkgInstalled('')).toBe(0);
  });

  it('counts apk packages', () => {
    expect(countApkInstalled('C:Q1abc\nP:musl\nV:1.2\n\nC:Q1def\nP:busybox\nV:1.36\n')).toBe(2);
  });
});
