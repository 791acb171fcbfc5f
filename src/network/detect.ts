import { posix } from 'node:path';
import type { Family } from '../inspect/distro-family.js';
import { readIfupdown } from './ifupdown.js';

// Which network stack configures a guest, decided from facts gathered elsewhere (files that
// exist, enabled units): pure, so each rule is tested with a table. The first rule that holds
// wins; its evidence names what was seen.

export type NetworkStack = 'netplan' | 'ifcfg' | 'ifupdown' | 'networkmanager' | 'wicked' | 'networkd';

export interface StackFacts {
  family: Family;
  /** The distro's major version (VERSION_ID), when known. */
  versionMajor?: number;
  /** Guest paths that exist under /etc/netplan, /etc/NetworkManager/system-connections, /etc/systemd/network, /etc/sysconfig/network-scripts and /etc/sysconfig/network. */
  files: string[];
  /** /etc/network/interfaces and the files it sources (path → text), when it exists. */
  interfaces?: Record<string, string>;
  /** Units enabled in the guest, e.g. NetworkManager.service. */
  enabledUnits: string[];
}

export interface StackDecision {
  stack: NetworkStack | null;
  evidence: string[];
}

const inDir = (files: string[], dir: string, re: RegExp) => files.filter((f) => posix.dirname(f) === dir && re.test(posix.basename(f))).sort();
const IFCFG = /^ifcfg-(?!lo$)[^.~]+$/;

export function detectStack(f: StackFacts): StackDecision {
  const enabled = (u: string) => f.enabledUnits.includes(u);
  const netplan = inDir(f.files, '/etc/netplan', /\.ya?ml$/);
  if (netplan.length > 0) return { stack: 'netplan', evidence: [`${netplan.join(', ')} in /etc/netplan`] };

  const ifcfg = inDir(f.files, '/etc/sysconfig/network-scripts', IFCFG);
  const keyfiles = inDir(f.files, '/etc/NetworkManager/system-connections', /\.nmconnection$/);
  if (f.family === 'rhel' && ifcfg.length > 0 && ((f.versionMajor ?? 0) <= 8 || keyfiles.length === 0)) {
    const why = (f.versionMajor ?? 0) <= 8 ? `RHEL family ${f.versionMajor ?? '(version unknown)'}` : 'no keyfiles beside them';
    return { stack: 'ifcfg', evidence: [`${ifcfg.join(', ')} (${why})`] };
  }

  // ifupdown owns the interfaces it has stanzas for, even where NetworkManager runs too.
  const stanzas = f.interfaces ? readIfupdown(f.interfaces).map((c) => c.name) : [];
  if (stanzas.length > 0 && enabled('networking.service')) {
    return { stack: 'ifupdown', evidence: [`/etc/network/interfaces configures ${stanzas.join(', ')}`, 'networking.service is enabled'] };
  }

  if (enabled('NetworkManager.service')) {
    return { stack: 'networkmanager', evidence: ['NetworkManager.service is enabled', ...(keyfiles.length > 0 ? [`keyfiles: ${keyfiles.join(', ')}`] : [])] };
  }

  const suseIfcfg = inDir(f.files, '/etc/sysconfig/network', IFCFG);
  if (enabled('wicked.service') || (f.family === 'suse' && suseIfcfg.length > 0)) {
    const ev = enabled('wicked.service') ? ['wicked.service is enabled'] : ['SUSE family'];
    return { stack: 'wicked', evidence: [...ev, ...(suseIfcfg.length > 0 ? [suseIfcfg.join(', ')] : [])] };
  }

  const networkd = inDir(f.files, '/etc/systemd/network', /\.network$/);
  if (enabled('systemd-networkd.service') && networkd.length > 0) {
    return { stack: 'networkd', evidence: ['systemd-networkd.service is enabled', networkd.join(', ')] };
  }

  return { stack: null, evidence: [describeNone(f, stanzas, networkd)] };
}

function describeNone(f: StackFacts, stanzas: string[], networkd: string[]): string {
  const seen: string[] = [];
  if (stanzas.length > 0) seen.push(`/etc/network/interfaces configures ${stanzas.join(', ')} but networking.service is not enabled`);
  if (networkd.length > 0) seen.push(`.network files exist but systemd-networkd.service is not enabled`);
  return seen.length > 0 ? seen.join('; ') : 'no netplan, ifcfg, interfaces, keyfile or .network configuration and no network service enabled';
}
