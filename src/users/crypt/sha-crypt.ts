// SHA-256-crypt ($5$) and SHA-512-crypt ($6$), in pure TypeScript, exactly as specified by
// Ulrich Drepper ("Unix crypt using SHA-256 and SHA-512", the algorithm in glibc and
// libxcrypt). The password and salt are bytes; the result is the full `$6$…$…` string.

import { createHash, randomBytes } from 'node:crypto';

export const CRYPT_ALPHABET = './0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

const ROUNDS_DEFAULT = 5000;
const ROUNDS_MIN = 1000;
const ROUNDS_MAX = 999_999_999;
const SALT_MAX = 16;

type Variant = { id: '5' | '6'; algo: 'sha256' | 'sha512'; size: number; order: number[][]; tail: number[] };

/** The byte order of the final encoding: groups of three bytes, then the leftover bytes. */
function order512(): number[][] {
  const g: number[][] = [];
  for (let k = 0; k < 21; k++) {
    const [a, b, c] = [k, k + 21, k + 42];
    g.push(k % 3 === 0 ? [a, b, c] : k % 3 === 1 ? [b, c, a] : [c, a, b]);
  }
  return g;
}

function order256(): number[][] {
  const g: number[][] = [];
  for (let k = 0; k < 10; k++) {
    const [a, b, c] = [k, k + 10, k + 20];
    g.push(k % 3 === 0 ? [a, b, c] : k % 3 === 1 ? [c, a, b] : [b, c, a]);
  }
  return g;
}

const SHA512: Variant = { id: '6', algo: 'sha512', size: 64, order: order512(), tail: [63] };
const SHA256: Variant = { id: '5', algo: 'sha256', size: 32, order: order256(), tail: [31, 30] };

function b64From24(out: string[], b2: number, b1: number, b0: number, n: number): void {
  let w = (b2 << 16) | (b1 << 8) | b0;
  for (let i = 0; i < n; i++) {
    out.push(CRYPT_ALPHABET[w & 0x3f]!);
    w >>>= 6;
  }
}

/** `len` bytes of `block` repeated (the "P sequence" / "S sequence" of the spec). */
function repeatTo(block: Buffer, len: number): Buffer {
  const out = Buffer.alloc(len);
  for (let i = 0; i < len; i += block.length) block.copy(out, i, 0, Math.min(block.length, len - i));
  return out;
}

export interface ShaCryptSetting {
  salt: string;
  /** Rounds; undefined: the default 5000, not written into the result. */
  rounds?: number;
}

/** Parse `$6$[rounds=N$]salt[$…]` (the salt is cut at 16 characters, rounds clamped, as glibc does). */
export function parseShaSetting(setting: string): { variant: '5' | '6'; salt: string; rounds?: number } | null {
  const m = /^\$([56])\$(?:rounds=(\d+)\$)?([^$]*)/.exec(setting);
  if (!m) return null;
  return { variant: m[1] as '5' | '6', salt: m[3]!.slice(0, SALT_MAX), rounds: m[2] === undefined ? undefined : Number(m[2]) };
}

function shaCryptWith(v: Variant, password: Buffer, saltText: string, roundsIn?: number): string {
  const salt = Buffer.from(saltText, 'utf8').subarray(0, SALT_MAX);
  const rounds = roundsIn === undefined ? ROUNDS_DEFAULT : Math.min(ROUNDS_MAX, Math.max(ROUNDS_MIN, Math.floor(roundsIn)));
  const H = (...parts: Buffer[]) => {
    const h = createHash(v.algo);
    for (const p of parts) h.update(p);
    return h.digest();
  };
  const P = password;
  const B = H(P, salt, P);
  const aParts: Buffer[] = [P, salt, repeatTo(B, P.length)];
  for (let n = P.length; n > 0; n >>= 1) aParts.push(n & 1 ? B : P);
  const A = H(...aParts);
  const DP = H(...Array.from({ length: P.length }, () => P));
  const Pseq = repeatTo(DP, P.length);
  const DS = H(...Array.from({ length: 16 + A[0]! }, () => salt));
  const Sseq = DS.subarray(0, salt.length);
  let C = A;
  for (let i = 0; i < rounds; i++) {
    const h = createHash(v.algo);
    h.update(i & 1 ? Pseq : C);
    if (i % 3) h.update(Sseq);
    if (i % 7) h.update(Pseq);
    h.update(i & 1 ? C : Pseq);
    C = h.digest();
  }
  const out: string[] = [];
  for (const [a, b, c] of v.order) b64From24(out, C[a!]!, C[b!]!, C[c!]!, 4);
  if (v.tail.length === 1) b64From24(out, 0, 0, C[v.tail[0]!]!, 2);
  else b64From24(out, 0, C[v.tail[0]!]!, C[v.tail[1]!]!, 3);
  const roundsPart = roundsIn === undefined ? '' : `rounds=${rounds}$`;
  // Wipe the intermediate buffers that derive directly from the password.
  for (const b of [B, A, DP, Pseq]) b.fill(0);
  return `$${v.id}$${roundsPart}${salt.toString('utf8')}$${out.join('')}`;
}

/** crypt(3) for a `$5$…` or `$6$…` setting (or a full hash: its salt and rounds are reused). */
export function shaCrypt(password: Buffer, setting: string): string {
  const s = parseShaSetting(setting);
  if (!s) throw new Error('internal: not a SHA-crypt setting');
  return shaCryptWith(s.variant === '6' ? SHA512 : SHA256, password, s.salt, s.rounds);
}

/** A random 16-character salt from the CSPRNG. */
export function randomSalt(chars = SALT_MAX): string {
  const bytes = randomBytes(chars);
  let s = '';
  for (const b of bytes) s += CRYPT_ALPHABET[b & 0x3f];
  bytes.fill(0);
  return s;
}

/** A new setting for `$5$`/`$6$` with a random salt (rounds written only when given). */
export function newShaSetting(variant: '5' | '6', rounds?: number): string {
  return `$${variant}$${rounds === undefined ? '' : `rounds=${rounds}$`}${randomSalt()}`;
}
