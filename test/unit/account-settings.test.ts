// login.defs, /etc/default/useradd, subuid/subgid, PAM hash options, naming rules and ID
// allocation, checked against what the real tools do.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { defBool, defNumber, homeMode, idRange, parseCNumber, parseLoginDefs } from '../../src/parsers/login-defs.js';
import { addSubidRange, findFreeRange, parseSubid, removeSubidOwner } from '../../src/parsers/subid.js';
import { parseUseraddDefaults, USERADD_FALLBACK } from '../../src/parsers/useradd-defaults.js';
import { chooseHashMethod, pamUnixHash } from '../../src/users/hash-method.js';
import { findNewId, invalidNameReason } from '../../src/users/rules.js';

const sample = (name: string) => readFileSync(new URL(`./samples/${name}`, import.meta.url), 'utf8');

describe('login.defs', () => {
  it('reads Debian 12', () => {
    const d = parseLoginDefs(sample('debian12-login.defs'));
    expect(idRange(d, 'uid', false)).toEqual({ min: 1000, max: 60000 });
    expect(idRange(d, 'uid', true)).toEqual({ min: 101, max: 999 });
    expect(idRange(d, 'gid', true)).toEqual({ min: 101, max: 999 });
    expect(defBool(d, 'USERGROUPS_ENAB')).toBe(true);
    expect(d.get('ENCRYPT_METHOD')).toBe('SHA512');
    expect(homeMode(d)).toBe(0o755);
    expect(d.get('ENV_PATH')).toBe('PATH=/usr/local/bin:/usr/bin:/bin:/usr/local/games:/usr/games');
    expect(d.has('SHA_CRYPT_MIN_ROUNDS')).toBe(false); // commented out
  });

  it('reads RHEL 9', () => {
    const d = parseLoginDefs(sample('rhel9-login.defs'));
    expect(idRange(d, 'uid', true)).toEqual({ min: 201, max: 999 });
    expect(homeMode(d)).toBe(0o700);
    expect(d.get('MAIL_DIR')).toBe('/var/spool/mail');
    expect(d.get('ENCRYPT_METHOD')).toBe('SHA512');
  });

  it('follows getdef: quotes, odd spacing, last one wins, C numbers', () => {
    const d = parseLoginDefs('  UMASK\t\t077  \nUID_MIN 500\nUID_MIN 2000\nQUOTED "a b"\nALONE\n# UID_MAX 1\nHEX 0x10\nBAD 12abc\nYES YeS\n');
    expect(defNumber(d, 'UMASK', 0)).toBe(0o77);
    expect(homeMode(d)).toBe(0o700);
    expect(defNumber(d, 'UID_MIN', 0)).toBe(2000);
    expect(d.get('QUOTED')).toBe('a b');
    expect(d.has('ALONE')).toBe(false);
    expect(defNumber(d, 'UID_MAX', 60000)).toBe(60000);
    expect(defNumber(d, 'HEX', 0)).toBe(16);
    expect(defNumber(d, 'BAD', 7)).toBe(7);
    expect(defBool(d, 'YES')).toBe(true);
    expect(parseCNumber('-1')).toBe(-1);
    expect(parseCNumber('08')).toBeNull();
    expect(idRange(parseLoginDefs('UID_MIN 5000'), 'uid', true)).toEqual({ min: 101, max: 4999 });
    expect(homeMode(parseLoginDefs(null))).toBe(0o755);
  });
});

describe('/etc/default/useradd', () => {
  it('reads Debian 12 (only SHELL set) and RHEL 9', () => {
    expect(parseUseraddDefaults(sample('debian12-useradd'))).toEqual({ ...USERADD_FALLBACK, shell: '/bin/sh' });
    expect(parseUseraddDefaults(sample('rhel9-useradd'))).toEqual({
      group: '100',
      home: '/home',
      shell: '/bin/bash',
      skel: '/etc/skel',
      inactive: null,
      expire: '',
      createMailSpool: true,
    });
  });

  it('takes values verbatim and ignores comments and junk', () => {
    const d = parseUseraddDefaults('#SHELL=/bin/zsh\nSHELL=/bin/bash\r\nHOME=/srv/home\nINACTIVE=30\nnonsense\nEXPIRE=2030-01-01\n');
    expect(d).toMatchObject({ shell: '/bin/bash', home: '/srv/home', inactive: 30, expire: '2030-01-01' });
    expect(parseUseraddDefaults(null)).toEqual(USERADD_FALLBACK);
  });
});

describe('subuid/subgid', () => {
  // What Debian 12's useradd wrote for consecutive users (observed on the fixture).
  it('allocates the lowest free range, as find_free_range does', () => {
    expect(findFreeRange([], 100000, 600100000, 65536)).toBe(100000);
    const text = 'a:100000:65536\nb:165536:65536\n';
    expect(findFreeRange(parseSubid(text), 100000, 600100000, 65536)).toBe(231072);
    const hole = 'a:100000:65536\nc:231072:65536\n';
    expect(findFreeRange(parseSubid(hole), 100000, 600100000, 65536)).toBe(165536);
    expect(findFreeRange(parseSubid('a:100000:65536\n'), 100000, 165535, 65536)).toBeNull();
  });

  it('adds and removes lines', () => {
    expect(addSubidRange('', 'alice', 100000, 65536)).toBe('alice:100000:65536\n');
    expect(addSubidRange('a:1:2', 'alice', 3, 4)).toBe('a:1:2\nalice:3:4\n');
    expect(removeSubidOwner('a:1:2\nalice:3:4\nb:5:6\nalice:7:8\n', 'alice')).toBe('a:1:2\nb:5:6\n');
    expect(removeSubidOwner('a:1:2\n', 'alice')).toBe('a:1:2\n');
  });
});

describe('hash method', () => {
  const debPam = '# comment\npassword\t[success=1 default=ignore]\tpam_unix.so obscure yescrypt\npassword\trequisite\t\t\tpam_deny.so\n';
  const rhelPam = 'auth        required      pam_env.so\npassword    requisite     pam_pwquality.so local_users_only\npassword    sufficient    pam_unix.so sha512 shadow nullok use_authtok\n';

  it('reads the pam_unix option', () => {
    expect(pamUnixHash(debPam)).toEqual({ method: 'yescrypt' });
    expect(pamUnixHash(rhelPam)).toEqual({ method: 'sha512' });
    expect(pamUnixHash('password required /lib/security/pam_unix.so sha512 rounds=65536')).toEqual({ method: 'sha512', rounds: 65536 });
    expect(pamUnixHash('#password sufficient pam_unix.so md5\n')).toBeNull();
    expect(pamUnixHash('password sufficient pam_unix.so shadow\n')).toEqual({ method: null });
  });

  it('chooses as the guest would', () => {
    const deb = parseLoginDefs(sample('debian12-login.defs'));
    const rhel = parseLoginDefs(sample('rhel9-login.defs'));
    expect(chooseHashMethod([{ path: '/etc/pam.d/common-password', text: debPam }], deb)).toMatchObject({ method: 'yescrypt' });
    expect(chooseHashMethod([{ path: '/etc/pam.d/system-auth', text: rhelPam }], rhel)).toMatchObject({ method: 'sha512' });
    expect(chooseHashMethod([], rhel)).toMatchObject({ method: 'sha512', source: 'ENCRYPT_METHOD in /etc/login.defs' });
    expect(chooseHashMethod([{ path: 'p', text: 'password sufficient pam_unix.so shadow' }], parseLoginDefs('ENCRYPT_METHOD YESCRYPT\nYESCRYPT_COST_FACTOR 7'))).toMatchObject({ method: 'yescrypt', rounds: 7 });
    expect(chooseHashMethod([], parseLoginDefs('ENCRYPT_METHOD SHA512\nSHA_CRYPT_MIN_ROUNDS 10000'))).toMatchObject({ method: 'sha512', rounds: 10000 });
    const r = chooseHashMethod([], parseLoginDefs('ENCRYPT_METHOD SHA256\nSHA_CRYPT_MIN_ROUNDS 6000\nSHA_CRYPT_MAX_ROUNDS 7000'));
    expect(r.method).toBe('sha256');
    expect(r.rounds).toBeGreaterThanOrEqual(6000);
    expect(r.rounds).toBeLessThanOrEqual(7000);
    expect(chooseHashMethod([], parseLoginDefs('ENCRYPT_METHOD MD5'))).toMatchObject({ method: 'sha512', note: expect.stringMatching(/MD5/) });
    expect(chooseHashMethod([], parseLoginDefs(null))).toMatchObject({ method: 'sha512', note: expect.any(String) });
  });
});

describe('names', () => {
  it('accepts what Debian useradd accepts (observed on the fixture)', () => {
    for (const n of ['alice', 'Foo.Bar', 'é', 'x~y', '1abc', 'ab$', 'a$b', '.abc', 'Zed', 'a_b', 'ab~', 'abcdefghijabcdefghijabcdefghijab']) {
      expect(invalidNameReason(n), n).toBeNull();
    }
  });

  it('refuses what Debian useradd refuses', () => {
    for (const n of ['a b', '-x', '+abc', 'a:b', 'a,b', '~ab', 'abcdefghijabcdefghijabcdefghijabc', '']) expect(invalidNameReason(n), n).not.toBeNull();
  });

  it('also refuses names that would break other tools', () => {
    for (const n of ['123', '.', '..', 'a/b', 'a\u0001b', 'a\tb']) expect(invalidNameReason(n), JSON.stringify(n)).not.toBeNull();
  });
});

describe('next free id (shadow-utils find_new_uid/find_new_gid)', () => {
  const DEB_UIDS = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 13, 33, 34, 38, 39, 42, 65534, 998, 100, 101];
  const DEB_GIDS = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 12, 13, 15, 20, 21, 22, 24, 25, 26, 27, 29, 30, 33, 34, 37, 38, 39, 40, 42, 43, 44, 45, 46, 50, 60, 100, 65534, 999, 998, 101, 102, 103, 104, 105, 106, 107, 108];

  it('regular accounts: the first after the highest in range', () => {
    expect(findNewId(DEB_UIDS, { min: 1000, max: 60000 }, false)).toBe(1000);
    expect(findNewId([...DEB_UIDS, 1000, 1005], { min: 1000, max: 60000 }, false)).toBe(1006);
    // the top is taken: the lowest free one
    expect(findNewId([1000, 1001, 60000], { min: 1000, max: 60000 }, false)).toBe(1002);
    expect(findNewId([1000, 1001], { min: 1000, max: 1001 }, false)).toBeNull();
  });

  it('system accounts count down from SYS_UID_MAX (Debian: useradd -r gave 999, then 997)', () => {
    const sys = { min: 101, max: 999 };
    const uid1 = findNewId(DEB_UIDS, sys, true);
    expect(uid1).toBe(999);
    const gid1 = findNewId(DEB_GIDS, sys, true, uid1!);
    expect(gid1).toBe(997);
    const uid2 = findNewId([...DEB_UIDS, uid1!], sys, true);
    expect(uid2).toBe(997);
    expect(findNewId([...DEB_GIDS, gid1!], sys, true, uid2!)).toBe(996);
    expect(findNewId([500], { min: 201, max: 999 }, true)).toBe(499);
  });

  it('the private group takes the uid as gid when it is free', () => {
    expect(findNewId(DEB_GIDS, { min: 1000, max: 60000 }, false, 1000)).toBe(1000);
    expect(findNewId([...DEB_GIDS, 1000], { min: 1000, max: 60000 }, false, 1000)).toBe(1001);
    expect(findNewId(DEB_GIDS, { min: 1000, max: 60000 }, false, 50)).toBe(1000); // below range: not for regular groups
  });

  it('never hands out 65535', () => {
    expect(findNewId([65534], { min: 65534, max: 65536 }, false)).toBe(65536);
  });
});
