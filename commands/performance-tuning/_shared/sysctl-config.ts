// Reading the guest's sysctl configuration (internal: not a command).

import type { Guest } from '../../../src/guest/types.js';
import { readOptional } from '../../../src/guest/file-changes.js';
import { mergeSysctl, sysctlFileOrder, SYSCTL_DIRS, type SysctlDirListing, type SysctlFileRef, type SysctlSetting, type SysctlSource } from '../../../src/parsers/sysctl-merge.js';
import { CliError, describeError } from '../../../src/util/errors.js';
import { isAbsent } from '../../../src/guest/stat-or-null.js';

/** guestctl's drop-in: "99-zz" sorts after every usual name, 99-sysctl.conf (Debian, Fedora) included. */
export const DROPIN_NAME = '99-zz-guestctl.conf';
export const DROPIN = `/etc/sysctl.d/${DROPIN_NAME}`;
export const SYSCTL_CONF = '/etc/sysctl.conf';

export interface SysctlConfig {
  /** 'systemd-sysctl' on a systemd guest, else 'sysctl --system' (procps), which also reads /etc/sysctl.conf last. */
  reader: 'systemd-sysctl' | 'sysctl --system';
  /** The files read at boot, in order. */
  sources: SysctlSource[];
  /** Files that set nothing because they are links to /dev/null. */
  masked: string[];
  settings: SysctlSetting[];
}

async function listDir(guest: Guest, dir: string): Promise<SysctlDirListing> {
  try {
    const entries = await guest.fs.list(dir);
    return { dir, names: entries.filter((e) => e.type === 'file' || e.type === 'symlink').map((e) => e.name) };
  } catch (err) {
    if (isAbsent(err)) return { dir, names: [] };
    throw new CliError('failed', `reading ${dir}: ${describeError(err)}`);
  }
}

async function isMasked(guest: Guest, path: string): Promise<boolean> {
  const st = await guest.fs.lstat(path);
  if (st.type !== 'symlink') return false;
  return (await guest.fs.readlink(path)) === '/dev/null';
}

async function readSource(guest: Guest, path: string): Promise<string | null> {
  try {
    return await readOptional(guest, path);
  } catch (err) {
    throw new CliError('failed', `reading ${path}: ${describeError(err)}`);
  }
}

/** The sysctl files the guest reads at boot, in its order, and the merged settings. */
export async function loadSysctlConfig(guest: Guest): Promise<SysctlConfig> {
  const reader = guest.os.initSystem === 'systemd' ? 'systemd-sysctl' : 'sysctl --system';
  const order: SysctlFileRef[] = sysctlFileOrder(await Promise.all(SYSCTL_DIRS.map((d) => listDir(guest, d))));
  const sources: SysctlSource[] = [];
  const masked: string[] = [];
  for (const f of order) {
    if (await isMasked(guest, f.path)) {
      masked.push(f.path);
      continue;
    }
    const text = await readSource(guest, f.path);
    if (text !== null) sources.push({ path: f.path, text }); // null: a dangling link, which the boot skips too
  }
  if (reader === 'sysctl --system') {
    const text = await readSource(guest, SYSCTL_CONF);
    if (text !== null) sources.push({ path: SYSCTL_CONF, text });
  }
  return { reader, sources, masked, settings: mergeSysctl(sources) };
}

/** Whether a source is read after guestctl's drop-in. */
export function readAfterDropin(path: string, reader: SysctlConfig['reader']): boolean {
  if (path === SYSCTL_CONF && reader === 'sysctl --system') return true;
  const name = path.slice(path.lastIndexOf('/') + 1);
  return path !== DROPIN && name > DROPIN_NAME;
}
