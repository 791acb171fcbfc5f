import { addressError, cidrError, destinationError } from '../../../src/network/address.js';
import { CliError } from '../../../src/util/errors.js';

// Argument checks of the net-* commands: a bad value is a usage error before anything is read.

export function checkIface(name: string): string {
  if (!/^[A-Za-z0-9_.:@-]{1,15}$/.test(name) || name === '.' || name === '..') throw new CliError('usage', `'${name}' is not an interface name (1-15 letters, digits, _ . : @ -)`);
  return name;
}

const check = (why: string | null) => {
  if (why !== null) throw new CliError('usage', why);
};

export const checkCidr = (s: string) => (check(cidrError(s)), s);
export const checkAddress = (s: string) => (check(addressError(s)), s);
export const checkDestination = (s: string) => (check(destinationError(s)), s);

export function checkDomain(s: string): string {
  if (!/^[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*\.?$/.test(s)) throw new CliError('usage', `'${s}' is not a domain name`);
  return s;
}

/** DEST, --via and --dev of the route commands, checked. */
export function routeArgs(dest: string, via: string | undefined, dev: string | undefined): { to: string; via?: string; dev?: string } {
  return { to: checkDestination(dest), ...(via !== undefined ? { via: checkAddress(via) } : {}), ...(dev !== undefined ? { dev: checkIface(dev) } : {}) };
}

export const routeOptions = (via: string) => ({
  via: { type: 'string', valueName: 'GW', description: via },
  dev: { type: 'string', valueName: 'IFACE', description: 'the interface the route belongs to' },
}) as const;
