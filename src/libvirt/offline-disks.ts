import { CliError } from '../util/errors.js';
import { isActive, parseDomblklist, parseNameList, stateCode, type BlockDevice } from './parse.js';
import { virsh, type VirshOptions } from './virsh.js';

// A libvirt domain that is not running is opened from its disks, as an image would be: one
// name works whether the VM runs or not. The disks come from `virsh domblklist --details` in
// the domain's order; a disk another running domain uses is only ever opened read-only.

export interface OfflineDomain {
  disks: string[];
  /** Set when the disks must be opened read-only, with why. */
  readOnlyReason?: string;
}

/** The domain's disks (not CD-ROMs or floppies), in order; a disk guestctl cannot open is an error naming it. */
export function diskSources(domain: string, drives: BlockDevice[]): string[] {
  const disks = drives.filter((d) => d.device === 'disk');
  for (const d of disks) {
    if (d.type !== 'file' && d.type !== 'block')
      throw new CliError('unsupported', `domain ${domain}: disk ${d.target} is a ${d.type ?? 'unknown'} disk: offline, guestctl opens disk files and block devices`);
    if (!d.source) throw new CliError('image', `domain ${domain}: disk ${d.target} has no source`);
  }
  if (disks.length === 0) throw new CliError('not-found', `domain ${domain} has no disks`);
  return disks.map((d) => d.source!);
}

export async function domainIsActive(domain: string, opts: VirshOptions): Promise<boolean> {
  const state = (await virsh(['domstate', '--domain', domain], opts)).trim().split('\n')[0] ?? '';
  const code = stateCode(state);
  if (code === null) throw new CliError('failed', `virsh domstate ${domain}: unexpected state '${state}'`);
  return isActive(code);
}

export async function offlineDomain(domain: string, opts: VirshOptions): Promise<OfflineDomain> {
  const disks = diskSources(domain, parseDomblklist(await virsh(['domblklist', '--domain', domain, '--details'], opts)));
  const running = parseNameList(await virsh(['list', '--name', '--state-running', '--state-paused', '--state-other'], opts)).filter((n) => n !== domain);
  for (const other of running) {
    const theirs = parseDomblklist(await virsh(['domblklist', '--domain', other, '--details'], opts)).map((d) => d.source);
    const shared = disks.find((d) => theirs.includes(d));
    if (shared) return { disks, readOnlyReason: `${shared} is in use by the running domain ${other}` };
  }
  return { disks };
}
