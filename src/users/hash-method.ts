// Which password hash the guest itself would write (pure): the pam_unix option of the PAM
// password stack passwd(1) uses (Debian: common-password `yescrypt`; RHEL: system-auth
// `sha512`), else ENCRYPT_METHOD in /etc/login.defs, as pam_unix ≥ 1.4 and chpasswd do.

import { randomInt } from 'node:crypto';
import { defNumber, defString, type LoginDefs } from '../parsers/login-defs.js';

export type HashMethod = 'yescrypt' | 'sha512' | 'sha256';

export interface MethodChoice {
  method: HashMethod;
  /** SHA rounds (undefined: the default 5000, not written) or yescrypt cost factor. */
  rounds?: number;
  /** Where the choice comes from, for the report. */
  source: string;
  /** Set when the guest asks for something guestctl does not write (then SHA-512). */
  note?: string;
}

const PAM_METHODS = ['yescrypt', 'gost_yescrypt', 'sha512', 'sha256', 'blowfish', 'md5', 'bigcrypt'] as const;

/** The hash option (and rounds=) of the first `password … pam_unix.so` line, or null. */
export function pamUnixHash(text: string): { method: string | null; rounds?: number } | null {
  for (const raw of text.split('\n')) {
    const line = raw.replace(/#.*/, '').trim();
    const m = /^-?password\s+(\[[^\]]*\]|\S+)\s+(\S+)(.*)$/.exec(line);
    if (!m || !/(^|\/)pam_unix\.so$/.test(m[2]!)) continue;
    const opts = m[3]!.trim().split(/\s+/).filter(Boolean);
    const method = opts.find((o) => (PAM_METHODS as readonly string[]).includes(o)) ?? null;
    const r = opts.find((o) => /^rounds=\d+$/.test(o));
    return { method, ...(r ? { rounds: Number(r.slice(7)) } : {}) };
  }
  return null;
}

function shaRounds(defs: LoginDefs): number | undefined {
  const min = defs.has('SHA_CRYPT_MIN_ROUNDS') ? defNumber(defs, 'SHA_CRYPT_MIN_ROUNDS', -1) : -1;
  const max = defs.has('SHA_CRYPT_MAX_ROUNDS') ? defNumber(defs, 'SHA_CRYPT_MAX_ROUNDS', -1) : -1;
  if (min < 0 && max < 0) return undefined;
  if (min < 0) return max;
  if (max < 0 || max <= min) return min;
  // shadow-utils picks a random count between the two.
  return randomInt(min, max + 1);
}

function fromName(name: string, defs: LoginDefs, source: string, pamRounds?: number): MethodChoice {
  const n = name.toLowerCase().replace(/^sha(\d+)crypt$/, 'sha$1');
  if (n === 'yescrypt') {
    const cost = pamRounds ?? (defs.has('YESCRYPT_COST_FACTOR') ? defNumber(defs, 'YESCRYPT_COST_FACTOR', 5) : undefined);
    return { method: 'yescrypt', ...(cost !== undefined ? { rounds: cost } : {}), source };
  }
  if (n === 'sha512' || n === 'sha256') {
    const rounds = pamRounds ?? shaRounds(defs);
    return { method: n, ...(rounds !== undefined ? { rounds } : {}), source };
  }
  return { method: 'sha512', source, note: `the guest is set up for ${name} (${source}); guestctl writes SHA-512 instead, which the guest also accepts` };
}

/**
 * `pam`: the guest's PAM password stack files, in the order passwd(1) reaches them
 * (e.g. /etc/pam.d/common-password, /etc/pam.d/system-auth), with their text.
 */
export function chooseHashMethod(pam: { path: string; text: string }[], defs: LoginDefs): MethodChoice {
  for (const f of pam) {
    const opt = pamUnixHash(f.text);
    if (!opt) continue;
    if (opt.method) return fromName(opt.method, defs, `pam_unix in ${f.path}`, opt.rounds);
    break; // pam_unix without a hash option follows ENCRYPT_METHOD
  }
  const enc = defString(defs, 'ENCRYPT_METHOD');
  if (enc) return fromName(enc, defs, 'ENCRYPT_METHOD in /etc/login.defs');
  if ((defString(defs, 'MD5_CRYPT_ENAB') ?? '').toLowerCase() === 'yes') return fromName('md5', defs, 'MD5_CRYPT_ENAB in /etc/login.defs');
  return { method: 'sha512', source: 'default', note: 'the guest names no password hash method (no pam_unix option, no ENCRYPT_METHOD): using SHA-512' };
}

/** PAM files that hold the password stack, most specific first. */
export const PAM_PASSWORD_FILES = ['/etc/pam.d/common-password', '/etc/pam.d/system-auth', '/etc/pam.d/password-auth', '/etc/pam.d/passwd'];
