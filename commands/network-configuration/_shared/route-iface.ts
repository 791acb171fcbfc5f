import { parseCidr } from '../../../src/network/address.js';
import type { InterfaceConfig } from '../../../src/network/model.js';
import { CliError } from '../../../src/util/errors.js';

// A route without --dev goes on the configured interface whose subnet holds the gateway (IPv4), or
// the only configured interface; else the user must say which.

const v4 = (a: string) => a.split('.').reduce((n, o) => ((n << 8) | Number(o)) >>> 0, 0);

function holds(cidr: string, gw: string): boolean {
  const c = parseCidr(cidr);
  if (!c || c.family !== 4 || !/^\d+\.\d+\.\d+\.\d+$/.test(gw)) return false;
  const mask = c.prefix === 0 ? 0 : (0xffffffff << (32 - c.prefix)) >>> 0;
  return (v4(c.address) & mask) === (v4(gw) & mask);
}

export function routeIface(configs: InterfaceConfig[], gw: string | undefined, dev: string | undefined): string {
  if (dev !== undefined) return dev;
  const configured = configs.filter((c) => c.method !== 'disabled');
  const onLink = gw === undefined ? [] : configured.filter((c) => c.addresses.some((a) => holds(a, gw)));
  if (onLink.length === 1) return onLink[0]!.name;
  if (configured.length === 1) return configured[0]!.name;
  throw new CliError('usage', `say which interface with --dev (configured: ${configured.map((c) => c.name).join(', ') || 'none'})`);
}
