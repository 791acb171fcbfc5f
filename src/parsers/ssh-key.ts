// OpenSSH public keys ("TYPE BASE64 [COMMENT]"): decoded and checked the way `ssh-keygen -l`
// (sshkey_read + sshkey_from_blob) accepts them, with their size and SHA256 fingerprint
// exactly as `ssh-keygen -lf` prints them.
//
// Accepted: the base64 payload is canonical (padded, no stray characters or non-zero pad bits),
// the type string inside the payload equals the declared type, every field is present with
// nothing left over, RSA moduli are 1024..16384 bits, ed25519 keys are 32 bytes, ECDSA points
// are uncompressed and on their curve. Certificates and unknown types are refused.

import { ECDH, createHash } from 'node:crypto';

export interface KeyTypeInfo {
  /** How `ssh-keygen -l` names the type in parentheses. */
  label: string;
  /** For ECDSA types: the curve name inside the payload and its OpenSSL name. */
  curve?: { ssh: string; openssl: string; bits: number };
}

export const KEY_TYPES: Readonly<Record<string, KeyTypeInfo>> = {
  'ssh-ed25519': { label: 'ED25519' },
  'ssh-rsa': { label: 'RSA' },
  'ssh-dss': { label: 'DSA' },
  'ecdsa-sha2-nistp256': { label: 'ECDSA', curve: { ssh: 'nistp256', openssl: 'prime256v1', bits: 256 } },
  'ecdsa-sha2-nistp384': { label: 'ECDSA', curve: { ssh: 'nistp384', openssl: 'secp384r1', bits: 384 } },
  'ecdsa-sha2-nistp521': { label: 'ECDSA', curve: { ssh: 'nistp521', openssl: 'secp521r1', bits: 521 } },
  'sk-ssh-ed25519@openssh.com': { label: 'ED25519-SK' },
  'sk-ecdsa-sha2-nistp256@openssh.com': { label: 'ECDSA-SK', curve: { ssh: 'nistp256', openssl: 'prime256v1', bits: 256 } },
};

export function isKeyType(name: string): boolean {
  return Object.prototype.hasOwnProperty.call(KEY_TYPES, name);
}

export interface PublicKey {
  /** The declared (and embedded) type, e.g. ssh-ed25519. */
  type: string;
  /** The canonical base64 text of the payload. */
  base64: string;
  blob: Buffer;
  bits: number;
  /** `SHA256:` + unpadded base64 of sha256(blob), as `ssh-keygen -lf` prints it. */
  fingerprint: string;
  /** ED25519, RSA, ECDSA, DSA, ED25519-SK, ECDSA-SK. */
  label: string;
}

export class KeyError extends Error {}

const RSA_MIN_BITS = 1024;
const RSA_MAX_BITS = 16384;
/** sshbuf's limit for a bignum: 16384 bits, plus one byte for the sign. */
const MAX_BIGNUM_BYTES = RSA_MAX_BITS / 8 + 1;

/** Strict base64 as OpenSSH's b64_pton takes it; null when it is not. */
export function decodeBase64Strict(text: string): Buffer | null {
  if (text.length === 0 || text.length % 4 !== 0 || !/^[A-Za-z0-9+/]+={0,2}$/.test(text)) return null;
  const buf = Buffer.from(text, 'base64');
  // Non-zero bits in the last character before the padding are refused too.
  return buf.toString('base64') === text ? buf : null;
}

export function fingerprintOf(blob: Buffer): string {
  return 'SHA256:' + createHash('sha256').update(blob).digest('base64').replace(/=+$/, '');
}

/** Reader for the SSH wire format (RFC 4251 strings and mpints). */
class Wire {
  private off = 0;
  constructor(private readonly buf: Buffer) {}

  string(what: string): Buffer {
    if (this.off + 4 > this.buf.length) throw new KeyError(`truncated payload (no ${what})`);
    const len = this.buf.readUInt32BE(this.off);
    if (this.off + 4 + len > this.buf.length) throw new KeyError(`truncated payload (${what})`);
    const v = this.buf.subarray(this.off + 4, this.off + 4 + len);
    this.off += 4 + len;
    return v;
  }

  /** A non-negative mpint, returned without leading zero bytes. */
  mpint(what: string): Buffer {
    const v = this.string(what);
    if (v.length > 0 && (v[0]! & 0x80) !== 0) throw new KeyError(`negative ${what}`);
    if (v.length > MAX_BIGNUM_BYTES || (v.length === MAX_BIGNUM_BYTES && v[0] !== 0)) throw new KeyError(`${what} too large`);
    let i = 0;
    while (i < v.length && v[i] === 0) i++;
    return v.subarray(i);
  }

  end(): void {
    if (this.off !== this.buf.length) throw new KeyError('unexpected data after the key');
  }
}

export function bitLength(n: Buffer): number {
  let i = 0;
  while (i < n.length && n[i] === 0) i++;
  if (i === n.length) return 0;
  return (n.length - i - 1) * 8 + (32 - Math.clz32(n[i]!));
}

function ecPoint(w: Wire, curve: NonNullable<KeyTypeInfo['curve']>): void {
  const name = w.string('curve name').toString('latin1');
  if (name !== curve.ssh) throw new KeyError(`curve ${JSON.stringify(name)} does not match the key type (${curve.ssh})`);
  const q = w.string('public point');
  const coord = Math.ceil(curve.bits / 8);
  if (q.length !== 1 + 2 * coord || q[0] !== 0x04) throw new KeyError('the public point is not an uncompressed point of the curve');
  try {
    ECDH.convertKey(q, curve.openssl, undefined, undefined, 'uncompressed');
  } catch {
    throw new KeyError(`the public point is not on ${curve.ssh}`);
  }
}

/** Decode and check a key payload declared as `type`; throws KeyError with the reason. */
export function parseKeyBlob(type: string, blob: Buffer): Omit<PublicKey, 'base64'> {
  const info = KEY_TYPES[type];
  if (!info) throw new KeyError(`unknown key type ${JSON.stringify(type)}`);
  const w = new Wire(blob);
  const embedded = w.string('key type').toString('latin1');
  if (embedded !== type) throw new KeyError(`declared as ${type} but the payload is ${JSON.stringify(embedded)}`);
  let bits: number;
  switch (type) {
    case 'ssh-rsa': {
      w.mpint('RSA exponent');
      bits = bitLength(w.mpint('RSA modulus'));
      if (bits < RSA_MIN_BITS) throw new KeyError(`RSA key of ${bits} bits is too small (minimum ${RSA_MIN_BITS})`);
      if (bits > RSA_MAX_BITS) throw new KeyError(`RSA key of ${bits} bits is too large`);
      break;
    }
    case 'ssh-dss': {
      bits = bitLength(w.mpint('DSA p'));
      w.mpint('DSA q');
      w.mpint('DSA g');
      w.mpint('DSA public value');
      break;
    }
    case 'ssh-ed25519':
    case 'sk-ssh-ed25519@openssh.com': {
      const pk = w.string('ed25519 public key');
      if (pk.length !== 32) throw new KeyError(`ed25519 public key of ${pk.length} bytes (expected 32)`);
      if (type.startsWith('sk-')) w.string('application');
      bits = 256;
      break;
    }
    default: {
      ecPoint(w, info.curve!);
      if (type.startsWith('sk-')) w.string('application');
      bits = info.curve!.bits;
    }
  }
  w.end();
  return { type, blob, bits, fingerprint: fingerprintOf(blob), label: info.label };
}

/** A key from its type and base64 text; throws KeyError with the reason. */
export function parsePublicKey(type: string, base64: string): PublicKey {
  if (!isKeyType(type)) throw new KeyError(`unknown key type ${JSON.stringify(type)}`);
  const blob = decodeBase64Strict(base64);
  if (!blob) throw new KeyError('the key payload is not valid base64');
  return { ...parseKeyBlob(type, blob), base64 };
}
