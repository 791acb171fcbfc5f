import { describe, expect, it } from 'vitest';
import { lastLines, packageManagerCause } from '../../src/parsers/package-manager-errors.js';

// Real messages of apt-get, dpkg, dnf, yum, zypper, pacman and apk → the one-line cause.

describe('packageManagerCause', () => {
  it.each([
    [
      'E: Could not get lock /var/lib/dpkg/lock-frontend. It is held by process 1234 (apt-get)\nN: Be aware that removing the lock file is not a solution and may break your system.\nE: Unable to acquire the dpkg frontend lock (/var/lib/dpkg/lock-frontend), is another process using it?',
      'the package database lock /var/lib/dpkg/lock-frontend is held by process 1234 (apt-get)',
    ],
    ['E: Could not get lock /var/lib/apt/lists/lock - open (11: Resource temporarily unavailable)', 'the package database lock /var/lib/apt/lists/lock is held by another process'],
    ['dpkg: error: dpkg frontend lock was locked by another process with pid 99', 'the dpkg database is locked by process 99'],
    ['Reading package lists...\nBuilding dependency tree...\nE: Unable to locate package no-such-package-xyz', "no package named no-such-package-xyz in the guest's repositories"],
    ["E: Package 'python' has no installation candidate", "package python has no installation candidate in the guest's repositories"],
    ['No match for argument: nosuch\nError: Unable to find a match: nosuch', "no package named nosuch in the guest's repositories"],
    ['error: target not found: nosuch', "no package named nosuch in the guest's repositories"],
    ["No provider of 'nosuch' found.", "no package named nosuch in the guest's repositories"],
    ['ERROR: unable to select packages:\n  nosuch (no such package):\n    required by: world[nosuch]', "no package named nosuch in the guest's repositories"],
    ["Err:1 http://deb.debian.org/debian bookworm InRelease\n  Temporary failure resolving 'deb.debian.org'", 'no network: cannot resolve deb.debian.org'],
    ['Err:1 http://10.0.0.1/debian bookworm InRelease\n  Could not connect to 10.0.0.1:80 (10.0.0.1), connection timed out', 'no network: cannot reach 10.0.0.1:80'],
    ["Curl error (6): Couldn't resolve host name for https://mirrors.rockylinux.org/ [Could not resolve host: mirrors.rockylinux.org]", 'no network: cannot resolve mirrors.rockylinux.org'],
    ['dpkg: error processing archive /var/cache/apt/archives/x.deb (--unpack):\n cannot copy extracted data for \'./usr/bin/x\' to \'/usr/bin/x.dpkg-new\': failed to write (No space left on device)', 'no space left on the guest filesystem'],
    ['E: You don\'t have enough free space in /var/cache/apt/archives/.', 'no space left on the guest filesystem'],
    [
      'The following packages have unmet dependencies:\n foo : Depends: libbar (>= 2) but it is not going to be installed\nE: Unable to correct problems, you have held broken packages.',
      'unmet dependencies (broken packages)',
    ],
    [' Problem: conflicting requests\n  - nothing provides libfoo.so.1()(64bit) needed by x-1.0-1.x86_64', 'unresolvable dependencies: nothing provides libfoo.so.1()(64bit)'],
    ['Error: \n Problem: package x-1.0-1.x86_64 requires libfoo, but none of the providers can be installed', 'unresolvable dependencies: libfoo, but none of the providers can be installed'],
    ['dpkg: dependency problems prevent configuration of guestctl-tiny:', 'unmet dependencies of guestctl-tiny'],
    ['something entirely different', null],
  ])('%s', (output, cause) => {
    expect(packageManagerCause(output)).toBe(cause);
  });
});

describe('lastLines', () => {
  it('the last non-empty lines, carriage returns and surrounding spaces dropped', () => {
    expect(lastLines('a\n\nb  \r\nc\nd\ne\nf\n\n', 3)).toEqual(['d', 'e', 'f']);
    expect(lastLines('', 5)).toEqual([]);
  });
});
