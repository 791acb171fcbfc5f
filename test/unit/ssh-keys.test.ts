import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeBase64Strict, parsePublicKey } from '../../src/parsers/ssh-key.js';
import {
  addAuthorizedKeys,
  authorizedKeys,
  optionList,
  parseAuthorizedKeys,
  parseAuthorizedLine,
  parseKeySelector,
  removeLines,
  selectKeys,
  type AuthorizedKey,
} from '../../src/parsers/authorized-keys.js';

const SAMPLES = new URL('./samples/ssh/', import.meta.url);
const sample = (name: string) => readFileSync(new URL(name, SAMPLES), 'utf8');

const PUBS = sample('public-keys.pub');
const ED = PUBS.split('\n')[0]!; // ssh-ed25519 AAAA... test-ed25519@example
const [, ED_B64] = ED.split(' ') as [string, string];
const ED_KEY = ED.split(' ').slice(0, 2).join(' '); // without its comment
const ED_FP = 'SHA256:BJx6uyfZRt35OAbXMehu6N7KpHavIvg32Cz3aQmfktY';
const RSA3072 = PUBS.split('\n')[2]!;

/** `ssh-keygen -lf` lines as our parser would print them. */
function asKeygen(text: string): string[] {
  return authorizedKeys(parseAuthorizedKeys(text)).map((k) => `${k.bits} ${k.fingerprint} ${k.comment || 'no comment'} (${k.label})`);
}

function hasHostKeygen(): boolean {
  try {
    execFileSync('ssh-keygen', ['-?'], { stdio: 'ignore' });
    return true;
  } catch (err) {
    return (err as { status?: number }).status !== undefined && (err as { code?: string }).code !== 'ENOENT';
  }
}

function hostKeygen(text: string): string[] {
  const dir = mkdtempSync(join(tmpdir(), 'guestctl-keygen-'));
  try {
    writeFileSync(join(dir, 'keys'), text);
    return execFileSync('ssh-keygen', ['-lf', join(dir, 'keys')], { encoding: 'utf8' }).split('\n').filter(Boolean);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const wire = (b: Buffer | string) => {
  const v = Buffer.isBuffer(b) ? b : Buffer.from(b);
  const l = Buffer.alloc(4);
  l.writeUInt32BE(v.length);
  return Buffer.concat([l, v]);
};
const edBlob = Buffer.from(ED_B64, 'base64');

describe('public keys, as ssh-keygen -l reads them', () => {
  it('gives the size, fingerprint and type that ssh-keygen -lf printed for real keys of every type', () => {
    expect(asKeygen(PUBS)).toEqual(sample('public-keys.keygen-lf').split('\n').filter(Boolean));
  });

  it.runIf(hasHostKeygen())('agrees with the host ssh-keygen -lf', () => {
    expect(asKeygen(PUBS)).toEqual(hostKeygen(PUBS));
  });

  it('fingerprints are unpadded base64 of sha256 of the payload', () => {
    const k = parsePublicKey('ssh-ed25519', ED_B64);
    expect(k.fingerprint).toBe(ED_FP);
    expect(k.fingerprint).not.toMatch(/=$/);
    expect(k.bits).toBe(256);
  });

  it.each([
    ['a declared type that the payload contradicts', `ssh-rsa ${ED_B64}`, /payload is "ssh-ed25519"/],
    ['an unknown type', `ssh-foo ${ED_B64}`, /not a public key/],
    ['upper-case type names', `SSH-ED25519 ${ED_B64}`, /not a public key/],
    ['data after the key', `ssh-ed25519 ${Buffer.concat([edBlob, Buffer.alloc(4)]).toString('base64')}`, /unexpected data/],
    ['bad base64', 'ssh-ed25519 AAAA!!notbase64', /not valid base64/],
    ['missing padding', `ssh-rsa ${RSA3072.split(' ')[1]!.replace(/=+$/, '')}`, /not valid base64/],
    ['extra padding', `ssh-ed25519 ${ED_B64}==`, /not valid base64/],
    ['a truncated payload', `ssh-ed25519 ${edBlob.subarray(0, edBlob.length - 3).toString('base64')}`, /truncated|not valid base64/],
    ['a short ed25519 key', `ssh-ed25519 ${Buffer.concat([wire('ssh-ed25519'), wire(Buffer.alloc(31))]).toString('base64')}`, /31 bytes/],
    ['a type with no payload', 'ssh-ed25519', /no key payload/],
    ['an unterminated quote in the options', `command="x ${ED}`, /unterminated quote/],
    ['options with no key', 'no-pty,no-agent-forwarding', /no key after the options|not a public key/],
  ])('refuses %s', (_, line, error) => {
    const l = parseAuthorizedLine(line);
    expect(l.kind).toBe('invalid');
    expect((l as { error: string }).error).toMatch(error);
  });

  it('refuses RSA moduli under 1024 bits, negative numbers, off-curve and compressed ECDSA points', () => {
    const small = Buffer.concat([wire('ssh-rsa'), wire(Buffer.from([1, 0, 1])), wire(Buffer.concat([Buffer.from([0x7f]), Buffer.alloc(95, 1)]))]);
    expect(() => parsePublicKey('ssh-rsa', small.toString('base64'))).toThrow(/767 bits is too small/);
    const negative = Buffer.concat([wire('ssh-rsa'), wire(Buffer.from([0x81])), wire(Buffer.alloc(128, 0xff))]);
    expect(() => parsePublicKey('ssh-rsa', negative.toString('base64'))).toThrow(/negative/);
    const ec = Buffer.from(PUBS.split('\n')[3]!.split(' ')[1]!, 'base64');
    const point = ec.subarray(ec.length - 65);
    const bad = Buffer.from(point);
    bad[40] = bad[40]! ^ 1;
    const offCurve = Buffer.concat([wire('ecdsa-sha2-nistp256'), wire('nistp256'), wire(bad)]);
    expect(() => parsePublicKey('ecdsa-sha2-nistp256', offCurve.toString('base64'))).toThrow(/not on nistp256/);
    const wrongCurve = Buffer.concat([wire('ecdsa-sha2-nistp256'), wire('nistp384'), wire(point)]);
    expect(() => parsePublicKey('ecdsa-sha2-nistp256', wrongCurve.toString('base64'))).toThrow(/does not match/);
    const compressed = Buffer.concat([wire('ecdsa-sha2-nistp256'), wire('nistp256'), wire(Buffer.concat([Buffer.from([2 | (point[64]! & 1)]), point.subarray(1, 33)]))]);
    expect(() => parsePublicKey('ecdsa-sha2-nistp256', compressed.toString('base64'))).toThrow(/uncompressed/);
  });

  it('decodes only canonical base64', () => {
    expect(decodeBase64Strict('AAAA')).toEqual(Buffer.alloc(3));
    expect(decodeBase64Strict('AAB=')).toBeNull(); // non-zero pad bits
    expect(decodeBase64Strict('AA==')).toEqual(Buffer.alloc(1));
    expect(decodeBase64Strict('AA=A')).toBeNull();
    expect(decodeBase64Strict('')).toBeNull();
  });
});

describe('authorized_keys lines', () => {
  const FILE = [
    '# keys for the deploy account',
    '',
    `command="echo hi, there",no-pty ${ED_KEY} comment with  spaces`,
    `   ${RSA3072}   `,
    `environment="A=b c",from="10.0.0.1,192.168.*" ${PUBS.split('\n')[3]}\r`,
    `ssh-ed25519\t${ED_B64}\ttab-separated`,
    `cert-authority,principals="a b" ${PUBS.split('\n')[6]}`,
    `ssh-rsa ${ED_B64} declared-wrong`,
    `command="/bin/echo \\"quoted\\" x" ${PUBS.split('\n')[7]}`,
    '',
  ].join('\n');

  it('reads options (quoted commas and spaces, escaped quotes), blank, comment and bad lines like sshd', () => {
    const lines = parseAuthorizedKeys(FILE);
    expect(lines.map((l) => l.kind)).toEqual(['comment', 'blank', 'key', 'key', 'key', 'key', 'key', 'invalid', 'key']);
    const keys = authorizedKeys(lines);
    expect(keys[0]).toMatchObject({ options: 'command="echo hi, there",no-pty', type: 'ssh-ed25519', comment: 'comment with  spaces', fingerprint: ED_FP });
    expect(optionList(keys[0]!.options!)).toEqual(['command="echo hi, there"', 'no-pty']);
    expect(keys[1]).toMatchObject({ options: null, type: 'ssh-rsa', bits: 3072, comment: 'test-rsab3072@example' });
    expect(optionList(keys[2]!.options!)).toEqual(['environment="A=b c"', 'from="10.0.0.1,192.168.*"']);
    expect(keys[2]!.comment).toBe('test-ecdsab256@example');
    expect(keys[3]!.comment).toBe('tab-separated');
    expect(keys[4]).toMatchObject({ label: 'DSA', bits: 1024, options: 'cert-authority,principals="a b"' });
    expect(keys[5]).toMatchObject({ label: 'ED25519-SK', options: 'command="/bin/echo \\"quoted\\" x"' });
  });

  it.runIf(hasHostKeygen())('lists the same keys as the host ssh-keygen -lf (comments without trailing blanks)', () => {
    const ours = asKeygen(FILE);
    const theirs = hostKeygen(FILE).map((l) => l.replace(/[ \t\r]+(\([A-Z0-9-]+\))$/, ' $1'));
    expect(ours).toEqual(theirs);
  });

  it('appends new keys only, keeping every line byte for byte and adding a missing final newline', () => {
    const before = `# mine\r\n${ED} first\n  no-newline-comment-line-is-bad`;
    const key = parseAuthorizedLine(`no-pty ${RSA3072}`) as AuthorizedKey;
    const again = parseAuthorizedLine(`${ED_KEY} other comment`) as AuthorizedKey;
    const r = addAuthorizedKeys(before, [key, again, key]);
    expect(r.text).toBe(`${before}\nno-pty ${RSA3072}\n`);
    expect(r.added).toHaveLength(1);
    expect(r.duplicates.map((d) => d.index)).toEqual([1, 2]);
    expect(addAuthorizedKeys(null, [again]).text).toBe(`${ED_KEY} other comment\n`);
    expect(addAuthorizedKeys('', [key]).text).toBe(`no-pty ${RSA3072}\n`);
  });

  it('removes lines by number, keeping the others and the final-newline state', () => {
    expect(removeLines('a\nb\nc\n', [2])).toBe('a\nc\n');
    expect(removeLines('a\nb\nc', [3])).toBe('a\nb\n');
    expect(removeLines('a\nb\nc', [1])).toBe('b\nc');
    expect(removeLines('a\r\nb\r\n', [1])).toBe('b\r\n');
    expect(removeLines('a\n', [1])).toBe('');
  });

  it('selects keys by index, fingerprint (every line with that key) or exact comment', () => {
    const text = `${ED}\n${RSA3072}\nno-pty ${ED_KEY} again\n`;
    const keys = authorizedKeys(parseAuthorizedKeys(text));
    expect(parseKeySelector('2')).toEqual({ by: 'index', index: 2 });
    expect(parseKeySelector(ED_FP)).toEqual({ by: 'fingerprint', fingerprint: ED_FP });
    expect(parseKeySelector('me@host')).toEqual({ by: 'comment', comment: 'me@host' });
    expect(selectKeys(keys, { by: 'index', index: 2 }).map((k) => k.line)).toEqual([2]);
    expect(selectKeys(keys, { by: 'index', index: 4 })).toEqual([]);
    expect(selectKeys(keys, { by: 'fingerprint', fingerprint: ED_FP }).map((k) => k.line)).toEqual([1, 3]);
    expect(selectKeys(keys, { by: 'comment', comment: 'again' }).map((k) => k.line)).toEqual([3]);
  });
});
