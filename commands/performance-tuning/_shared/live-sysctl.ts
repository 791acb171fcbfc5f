// The running kernel's values on a live guest (internal: not a command).

import type { Guest } from '../../../src/guest/types.js';
import { sysctlProcPath } from '../../../src/parsers/sysctl.js';
import { CliError, describeError } from '../../../src/util/errors.js';
import { isAbsent } from '../../../src/guest/stat-or-null.js';

/** Tabs and runs of spaces count as one space (sysctl prints multi-value keys with tabs). */
export const sameSysctlValue = (a: string, b: string) => a.trim().split(/\s+/).join(' ') === b.trim().split(/\s+/).join(' ');

/** The current value from /proc/sys, or null when the running kernel has no such key. */
export async function liveValue(guest: Guest, key: string): Promise<string | null> {
  try {
    return (await guest.fs.readFile(sysctlProcPath(key))).toString('utf8').replace(/\n$/, '');
  } catch (err) {
    if (isAbsent(err)) return null;
    throw new CliError('failed', `reading ${sysctlProcPath(key)}: ${describeError(err)}`);
  }
}

/** `sysctl -w KEY=VALUE` in the running guest, then the value read back must be the one written. */
export async function applyLive(guest: Guest, key: string, value: string, signal?: AbortSignal): Promise<void> {
  const w = await guest.exec(['sysctl', '-w', `${key}=${value}`], { signal });
  if (w.code !== 0) throw new Error(`sysctl -w ${key}=${value} failed: ${(w.stderr || w.stdout).trim() || `exit ${w.code}`}`);
  const r = await guest.exec(['sysctl', '-n', key], { signal });
  if (r.code !== 0) throw new Error(`sysctl -n ${key} failed: ${(r.stderr || r.stdout).trim() || `exit ${r.code}`}`);
  if (!sameSysctlValue(r.stdout, value)) throw new Error(`the kernel kept ${key} = ${r.stdout.trim()} after sysctl -w ${key}=${value}`);
}
