import { isIP } from 'node:net';

// Address and CIDR checks shared by the network editors and commands. Messages are one line
// naming the bad value, ready for a CliError.

export type Family = 4 | 6;

export interface Cidr {
  address: string;
  prefix: number;
  family: Family;
}

/** The address family of a plain address, or null when it is not one. */
export function addressFamily(s: string): Family | null {
  const f = isIP(s);
  return f === 4 || f === 6 ? f : null;
}

/** ADDR/PREFIX with the prefix in range for the family, or null. */
export function parseCidr(s: string): Cidr | null {
  const m = /^([^/\s]+)\/(\d{1,3})$/.exec(s);
  if (!m) return null;
  const family = addressFamily(m[1]!);
  const prefix = Number(m[2]);
  if (family === null || prefix > (family === 4 ? 32 : 128)) return null;
  return { address: m[1]!, prefix, family };
}

/** Why `s` is not a usable ADDR/PREFIX, or null when it is. */
export function cidrError(s: string): string | null {
  if (parseCidr(s)) return null;
  const [addr, prefix] = s.split('/');
  if (prefix === undefined) return `'${s}' has no prefix length (write ADDR/PREFIX, e.g. 192.168.1.10/24)`;
  const family = addressFamily(addr ?? '');
  if (family === null) return `'${addr}' is not an IPv4 or IPv6 address`;
  return `prefix length '${prefix}' of '${s}' is not between 0 and ${family === 4 ? 32 : 128}`;
}

/** Why `s` is not a plain IPv4/IPv6 address, or null when it is. */
export function addressError(s: string): string | null {
  return addressFamily(s) === null ? `'${s}' is not an IPv4 or IPv6 address` : null;
}

/** A route destination: ADDR/PREFIX or 'default'. */
export function destinationError(s: string): string | null {
  return s === 'default' ? null : cidrError(s);
}

/** Family of ADDR or ADDR/PREFIX (or 'default', taken as IPv4 unless `via` says otherwise). */
export function familyOf(s: string): Family | null {
  return addressFamily(s.split('/')[0]!);
}

export function prefixToNetmask(prefix: number): string {
  if (!Number.isInteger(prefix) || prefix < 0 || prefix > 32) throw new Error(`not an IPv4 prefix length: ${prefix}`);
  const bits = prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
  return [24, 16, 8, 0].map((s) => (bits >>> s) & 0xff).join('.');
}

/** The prefix length of a contiguous IPv4 netmask, or null. */
export function netmaskToPrefix(mask: string): number | null {
  if (addressFamily(mask) !== 4) return null;
  const bits = mask.split('.').reduce((acc, o) => ((acc << 8) | Number(o)) >>> 0, 0);
  const inverted = ~bits >>> 0;
  if ((inverted & (inverted + 1)) !== 0) return null; // ones not contiguous
  return 32 - Math.log2(inverted + 1);
}
