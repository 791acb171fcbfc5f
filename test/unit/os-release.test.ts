import { describe, expect, it } from 'vitest';
import { osShortName, parseOsRelease } from '../../src/parsers/os-release.js';

const DEBIAN_12 = `PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"
NAME="Debian GNU/Linux"
VERSION_ID="12"
VERSION="12 (bookworm)"
VERSION_CODENAME=bookworm
ID=debian
HOME_URL="https://www.debian.org/"
SUPPORT_URL="https://www.debian.org/support"
BUG_REPORT_URL="https://bugs.debian.org/"
`;

const UBUNTU_2204 = `PRETTY_NAME="Ubuntu 22.04.4 LTS"
NAME="Ubuntu"
VERSION_ID="22.04"
VERSION="22.04.4 LTS (Jammy Jellyfish)"
VERSION_CODENAME=jammy
ID=ubuntu
ID_LIKE=debian
HOME_URL="https://www.ubuntu.com/"
SUPPORT_URL="https://help.ubuntu.com/"
BUG_REPORT_URL="https://bugs.launchpad.net/ubuntu/"
PRIVACY_POLICY_URL="https://www.ubuntu.com/legal/terms-and-policies/privacy-policy"
UBUNTU_CODENAME=jammy
`;

const FEDORA_39 = `NAME="Fedora Linux"
VERSION="39 (Cloud Edition)"
ID=fedora
VERSION_ID=39
VERSION_CODENAME=""
PLATFORM_ID="platform:f39"
PRETTY_NAME="Fedora Linux 39 (Cloud Edition)"
ANSI_COLOR="0;38;2;60;110;180"
LOGO=fedora-logo-icon
CPE_NAME="cpe:/o:fedoraproject:fedora:39"
HOME_URL="https://fedoraproject.org/"
DOCUMENTATION_URL="https://docs.fedoraproject.org/en-US/fedora/f39/system-administrators-guide/"
SUPPORT_URL="https://ask.fedoraproject.org/"
BUG_REPORT_URL="https://bugzilla.redhat.com/"
REDHAT_BUGZILLA_PRODUCT="Fedora"
REDHAT_BUGZILLA_PRODUCT_VERSION=39
REDHAT_SUPPORT_PRODUCT="Fedora"
REDHAT_SUPPORT_PRODUCT_VERSION=39
SUPPORT_END=2024-11-12
VARIANT="Cloud Edition"
VARIANT_ID=cloud
`;

const RHEL_93 = `NAME="Red Hat Enterprise Linux"
VERSION="9.3 (Plow)"
ID="rhel"
ID_LIKE="fedora"
VERSION_ID="9.3"
PLATFORM_ID="platform:el9"
PRETTY_NAME="Red Hat Enterprise Linux 9.3 (Plow)"
ANSI_COLOR="0;31"
LOGO="fedora-logo-icon"
CPE_NAME="cpe:/o:redhat:enterprise_linux:9::baseos"
HOME_URL="https://www.redhat.com/"
DOCUMENTATION_URL="https://access.redhat.com/documentation/en-us/red_hat_enterprise_linux/9"
BUG_REPORT_URL="https://bugzilla.redhat.com/"

REDHAT_BUGZILLA_PRODUCT="Red Hat Enterprise Linux 9"
REDHAT_BUGZILLA_PRODUCT_VERSION=9.3
REDHAT_SUPPORT_PRODUCT="Red Hat Enterprise Linux"
REDHAT_SUPPORT_PRODUCT_VERSION="9.3"`;

const ALPINE = `NAME="Alpine Linux"
ID=alpine
VERSION_ID=3.19.1
PRETTY_NAME="Alpine Linux v3.19"
HOME_URL="https://alpinelinux.org/"
BUG_REPORT_URL="https://gitlab.alpinelinux.org/alpine/aports/-/issues"
`;

const ARCH = `NAME="Arch Linux"
PRETTY_NAME="Arch Linux"
ID=arch
BUILD_ID=rolling
ANSI_COLOR="38;2;23;147;209"
HOME_URL="https://archlinux.org/"
DOCUMENTATION_URL="https://wiki.archlinux.org/"
SUPPORT_URL="https://bbs.archlinux.org/"
BUG_REPORT_URL="https://gitlab.archlinux.org/groups/archlinux/-/issues"
PRIVACY_POLICY_URL="https://terms.archlinux.org/docs/privacy-policy/"
LOGO=archlinux-logo
`;

const OPENSUSE_LEAP = `NAME="openSUSE Leap"
VERSION="15.5"
ID="opensuse-leap"
ID_LIKE="suse opensuse"
VERSION_ID="15.5"
PRETTY_NAME="openSUSE Leap 15.5"
ANSI_COLOR="0;32"
CPE_NAME="cpe:/o:opensuse:leap:15.5"
BUG_REPORT_URL="https://bugs.opensuse.org"
HOME_URL="https://www.opensuse.org/"
DOCUMENTATION_URL="https://en.opensuse.org/Portal:Leap"
LOGO="distributor-logo-Leap"
`;

const TUMBLEWEED = `NAME="openSUSE Tumbleweed"
# VERSION="20240110"
ID="opensuse-tumbleweed"
ID_LIKE="opensuse suse"
VERSION_ID="20240110"
PRETTY_NAME="openSUSE Tumbleweed"
`;

describe('parseOsRelease', () => {
  it('reads Debian 12', () => {
    const f = parseOsRelease(DEBIAN_12);
    expect(f).toMatchObject({ ID: 'debian', VERSION_ID: '12', VERSION_CODENAME: 'bookworm', PRETTY_NAME: 'Debian GNU/Linux 12 (bookworm)' });
    expect(Object.keys(f)).toHaveLength(9);
  });

  it('reads RHEL 9 (quoted ID, blank line, no trailing newline)', () => {
    const f = parseOsRelease(RHEL_93);
    expect(f.ID).toBe('rhel');
    expect(f.REDHAT_SUPPORT_PRODUCT_VERSION).toBe('9.3');
    expect(f.ANSI_COLOR).toBe('0;31');
  });

  it('keeps an empty quoted value', () => {
    expect(parseOsRelease(FEDORA_39).VERSION_CODENAME).toBe('');
    expect(parseOsRelease(FEDORA_39).VARIANT).toBe('Cloud Edition');
  });

  it('handles shell quoting, escapes, comments, CRLF and junk', () => {
    const text = [
      '# comment line',
      '   # indented comment',
      'NAME="Synth \\"Edge\\" \\$HOME \\\\ \\n"',
      "SINGLE='it''s $not \\expanded'",
      'BARE=plain\\ word',
      'MIXED="one "two\' three\'',
      'TRAILING="value" # a comment',
      '\tTABBED=\t"x"',
      'export EXPORTED=yes',
      'not a line at all',
      '1BAD=key',
      'NOEQ',
      'MULTI="first',
      'second"',
      'DUP=old',
      'DUP=new\r',
      'ID=synth\r',
      'VERSION_ID="1.0"\r',
      'UNTERMINATED="runs to the end',
    ].join('\n');
    const f = parseOsRelease(text);
    expect(f).toEqual({
      NAME: 'Synth "Edge" $HOME \\ \\n',
      SINGLE: "its $not \\expanded",
      BARE: 'plain word',
      MIXED: 'one two three',
      TRAILING: 'value',
      TABBED: '',
      EXPORTED: 'yes',
      MULTI: 'first\nsecond',
      DUP: 'new',
      ID: 'synth',
      VERSION_ID: '1.0',
      UNTERMINATED: 'runs to the end',
    });
    expect(osShortName(f)).toBe('synth1.0');
  });

  it('returns {} for empty text', () => {
    expect(parseOsRelease('')).toEqual({});
    expect(parseOsRelease('\n\n# only comments\n')).toEqual({});
  });
});

describe('osShortName', () => {
  it.each([
    [DEBIAN_12, 'debian12'],
    [UBUNTU_2204, 'ubuntu22.04'],
    [FEDORA_39, 'fedora39'],
    [RHEL_93, 'rhel9.3'],
    [ALPINE, 'alpine3.19'],
    [ARCH, 'arch'],
    [OPENSUSE_LEAP, 'opensuse-leap15.5'],
    [TUMBLEWEED, 'opensuse-tumbleweed'],
    ['ID=debian\nPRETTY_NAME="Debian GNU/Linux trixie/sid"\n', 'debian'],
    ['ID=centos\nVERSION_ID="9"\n', 'centos9'],
    ['ID=amzn\nVERSION_ID="2023"\n', 'amzn2023'],
    ['NAME=Linux\n', 'linux'],
  ])('%#: %s', (text, short) => expect(osShortName(parseOsRelease(text))).toBe(short));
});
