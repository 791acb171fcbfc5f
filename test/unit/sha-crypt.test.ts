import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { newShaSetting, parseShaSetting, randomSalt, shaCrypt } from '../../src/users/crypt/sha-crypt.js';
import { isYescryptHash, newYescryptSetting, yescryptEncode64, yescryptParams } from '../../src/users/crypt/yescrypt.js';

// Test vectors from Ulrich Drepper's specification "Unix crypt using SHA-256 and SHA-512".
const SHA512 = [
  ['$6$saltstring', 'Hello world!', '$6$saltstring$svn8UoSVapNtMuq1ukKS4tPQd8iKwSMHWjl/O817G3uBnIFNjnQJuesI68u4OTLiBFdcbYEdFCoEOfaS35inz1'],
  ['$6$rounds=10000$saltstringsaltstring', 'Hello world!', '$6$rounds=10000$saltstringsaltst$OW1/O6BYHV6BcXZu8QVeXbDWra3Oeqh0sbHbbMCVNSnCM/UrjmM0Dp8vOuZeHBy/YTBmSK6H9qs/y3RnOaw5v.'],
  ['$6$rounds=5000$toolongsaltstring', 'This is just a test', '$6$rounds=5000$toolongsaltstrin$lQ8jolhgVRVhY4b5pZKaysCLi0QBxGoNeKQzQ3glMhwllF7oGDZxUhx1yxdYcz/e1JSbq3y6JMxxl8audkUEm0'],
  ['$6$rounds=1400$anotherlongsaltstring', 'a very much longer text to encrypt.  This one even stretches over morethan one line.', '$6$rounds=1400$anotherlongsalts$POfYwTEok97VWcjxIiSOjiykti.o/pQs.wPvMxQ6Fm7I6IoYN3CmLs66x9t0oSwbtEW7o7UmJEiDwGqd8p4ur1'],
  ['$6$rounds=77777$short', 'we have a short salt string but not a short password', '$6$rounds=77777$short$WuQyW2YR.hBNpjjRhpYD/ifIw05xdfeEyQoMxIXbkvr0gge1a1x3yRULJ5CCaUeOxFmtlcGZelFl5CxtgfiAc0'],
  ['$6$rounds=123456$asaltof16chars..', 'a short string', '$6$rounds=123456$asaltof16chars..$BtCwjqMJGx5hrJhZywWvt0RLE8uZ4oPwcelCjmw2kSYu.Ec6ycULevoBK25fs2xXgMNrCzIMVcgEJAstJeonj1'],
  ['$6$rounds=10$roundstoolow', 'the minimum number is still observed', '$6$rounds=1000$roundstoolow$kUMsbe306n21p9R.FRkW3IGn.S9NPN0x50YhH1xhLsPuWGsUSklZt58jaTfF4ZEQpyUNGc0dqbpBYYBaHHrsX.'],
] as const;

const SHA256 = [
  ['$5$saltstring', 'Hello world!', '$5$saltstring$5B8vYYiY.CVt1RlTTf8KbXBH3hsxY/GNooZaBBGWEc5'],
  ['$5$rounds=10000$saltstringsaltstring', 'Hello world!', '$5$rounds=10000$saltstringsaltst$3xv.VbSHBb41AL9AvLeujZkZRBAwqFMz2.opqey6IcA'],
  ['$5$rounds=5000$toolongsaltstring', 'This is just a test', '$5$rounds=5000$toolongsaltstrin$Un/5jzAHMgOGZ5.mWJpuVolil07guHPvOW8mGRcvxa5'],
  ['$5$rounds=1400$anotherlongsaltstring', 'a very much longer text to encrypt.  This one even stretches over morethan one line.', '$5$rounds=1400$anotherlongsalts$Rx.j8H.h8HjEDGomFU8bDkXm3XIUnzyxf12oP84Bnq1'],
  ['$5$rounds=77777$short', 'we have a short salt string but not a short password', '$5$rounds=77777$short$JiO1O3ZpDAxGJeaDIuqCoEFysAe1mZNJRs3pw0KQRd/'],
  ['$5$rounds=123456$asaltof16chars..', 'a short string', '$5$rounds=123456$asaltof16chars..$gP3VQ/6X7UUEW3HkBn2w1/Ptq2jxPyzV/cZKmF/wJvD'],
  ['$5$rounds=10$roundstoolow', 'the minimum number is still observed', '$5$rounds=1000$roundstoolow$yfvwcWrQ8l/K0DAWyuPMDNHpIVlTQebY9l/gL972bIC'],
] as const;

/** The host's libcrypt through perl, when it has one that knows the method (else null). */
function hostCrypt(password: string, setting: string): string | null {
  try {
    const out = execFileSync('perl', ['-e', 'my $p = <STDIN>; chomp $p; my $h = crypt($p, $ARGV[0]); print defined $h ? $h : ""', setting], { input: `${password}\n`, encoding: 'utf8' });
    return out.startsWith('$') ? out : null;
  } catch {
    return null;
  }
}

describe('SHA-crypt', () => {
  it.each(SHA512)('SHA-512 %s', (setting, pw, expected) => {
    expect(shaCrypt(Buffer.from(pw), setting)).toBe(expected);
  });
  it.each(SHA256)('SHA-256 %s', (setting, pw, expected) => {
    expect(shaCrypt(Buffer.from(pw), setting)).toBe(expected);
  });

  it('reuses the salt and rounds of a full hash (verification)', () => {
    const [, , full] = SHA512[1];
    expect(shaCrypt(Buffer.from('Hello world!'), full)).toBe(full);
    expect(shaCrypt(Buffer.from('Hello world?'), full)).not.toBe(full);
  });

  it('parses settings', () => {
    expect(parseShaSetting('$6$rounds=5000$abc$xyz')).toEqual({ variant: '6', salt: 'abc', rounds: 5000 });
    expect(parseShaSetting('$6$abc')).toEqual({ variant: '6', salt: 'abc', rounds: undefined });
    expect(parseShaSetting('$y$j9T$abc')).toBeNull();
  });

  it('makes random 16-character salts from the crypt alphabet', () => {
    const salts = new Set(Array.from({ length: 50 }, () => randomSalt()));
    expect(salts.size).toBe(50);
    for (const s of salts) expect(s).toMatch(/^[./0-9A-Za-z]{16}$/);
    expect(newShaSetting('6')).toMatch(/^\$6\$[./0-9A-Za-z]{16}$/);
    expect(newShaSetting('6', 656000)).toMatch(/^\$6\$rounds=656000\$[./0-9A-Za-z]{16}$/);
  });

  it('agrees with the host libcrypt on random passwords and salts', () => {
    if (hostCrypt('x', '$6$abc') === null) return; // no perl/libcrypt on this host
    for (let i = 0; i < 20; i++) {
      const pw = `pw-${i}-${'é'.repeat(i % 4)}-${Math.random().toString(36)}`;
      const setting = newShaSetting(i % 2 ? '6' : '5', i % 3 ? undefined : 1000 + i);
      expect(shaCrypt(Buffer.from(pw), setting)).toBe(hostCrypt(pw, setting));
    }
  });
});

describe('yescrypt settings', () => {
  it('encodes like yescrypt encode64 (16 bytes → 22 characters, last one carrying two bits)', () => {
    expect(yescryptEncode64(new Uint8Array(16))).toBe('......................');
    expect(yescryptEncode64(Uint8Array.from([0xff, 0xff, 0xff]))).toBe('zzzz');
    expect(yescryptEncode64(Uint8Array.from([1]))).toBe('/.');
    const s = yescryptEncode64(Uint8Array.from({ length: 16 }, () => 0xff));
    expect(s).toHaveLength(22);
    expect(s.endsWith('1')).toBe(true);
  });

  it('uses libxcrypt parameters per cost factor', () => {
    expect(yescryptParams(undefined)).toBe('j9T');
    expect(yescryptParams(5)).toBe('j9T');
    expect(yescryptParams(1)).toBe('j75');
    expect(yescryptParams(11)).toBe('jFT');
    expect(yescryptParams(99)).toBe('jFT');
    expect(newYescryptSetting()).toMatch(/^\$y\$j9T\$[./0-9A-Za-z]{21}[./01]$/);
  });

  it('makes settings libxcrypt accepts (host check when the host has yescrypt)', () => {
    if (hostCrypt('x', '$y$j9T$SBN8HKZAHQk8zyJ/39P/X0') === null) return;
    for (let i = 0; i < 10; i++) {
      const setting = newYescryptSetting(i % 2 ? 5 : 3);
      const h = hostCrypt('secret', setting);
      expect(h).not.toBeNull();
      expect(h!.startsWith(`${setting}$`)).toBe(true);
      expect(isYescryptHash(h!)).toBe(true);
    }
  });
});
