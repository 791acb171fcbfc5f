// yescrypt settings (`$y$<params>$<salt>`), made here with a salt from the CSPRNG, so the
// guest's own libcrypt only has to compute crypt(password, setting).

import { randomBytes } from 'node:crypto';
import { CRYPT_ALPHABET } from './sha-crypt.js';

/**
 * The parameter string libxcrypt's crypt_gensalt("$y$", cost) writes for each cost factor
 * (YESCRYPT_COST_FACTOR in login.defs, 1..11, default 5 → `j9T`).
 */
const PARAMS_BY_COST: Record<number, string> = {
  1: 'j75',
  2: 'j85',
  3: 'j7T',
  4: 'j8T',
  5: 'j9T',
  6: 'jAT',
  7: 'jBT',
  8: 'jCT',
  9: 'jDT',
  10: 'jET',
  11: 'jFT',
};

export const YESCRYPT_DEFAULT_COST = 5;

export function yescryptParams(cost: number | undefined): string {
  const c = cost === undefined ? YESCRYPT_DEFAULT_COST : Math.min(11, Math.max(1, Math.floor(cost)));
  return PARAMS_BY_COST[c]!;
}

/**
 * yescrypt's encode64: little-endian groups of up to three bytes, six bits per character
 * (16 bytes → 22 characters, the last one carrying two bits).
 */
export function yescryptEncode64(bytes: Uint8Array): string {
  let out = '';
  for (let i = 0; i < bytes.length; ) {
    let value = 0;
    let bits = 0;
    do {
      value |= bytes[i++]! << bits;
      bits += 8;
    } while (bits < 24 && i < bytes.length);
    for (let b = 0; b < bits; b += 6) {
      out += CRYPT_ALPHABET[value & 0x3f];
      value >>>= 6;
    }
  }
  return out;
}

/** A new `$y$…$salt` setting: 16 random bytes, as crypt_gensalt makes them. */
export function newYescryptSetting(cost?: number): string {
  const bytes = randomBytes(16);
  const salt = yescryptEncode64(bytes);
  bytes.fill(0);
  return `$y$${yescryptParams(cost)}$${salt}`;
}

/** `$y$params$salt$hash` with a 43-character hash. */
export function isYescryptHash(text: string): boolean {
  return /^\$y\$[./0-9A-Za-z]+\$[./0-9A-Za-z]+\$[./0-9A-Za-z]{43}$/.test(text);
}
