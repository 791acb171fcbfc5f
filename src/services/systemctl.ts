import type { ExecResult, Guest } from '../guest/types.js';
import { parseUnitFiles, type UnitFileRow } from '../parsers/systemctl.js';
import { failIfError } from '../live/guest-run.js';

// The guest's own systemctl, offline (in the jail, on a root that is not booted) or live
// (guest-exec). Shared by `services` and the enable/disable/mask/unmask commands.

/**
 * Run `systemctl ARGS` in the guest. Offline, SYSTEMD_OFFLINE=1 tells systemctl (246+) to
 * edit the unit files under / and never look for a service manager to talk to; older ones
 * find out by themselves that they run in a chroot.
 */
export function systemctl(guest: Guest, args: string[], signal?: AbortSignal): Promise<ExecResult> {
  const env: Record<string, string> = guest.kind === 'live' ? { LC_ALL: 'C' } : { LC_ALL: 'C', SYSTEMD_OFFLINE: '1' };
  return guest.exec(['systemctl', ...args], { env, ...(signal ? { signal } : {}) });
}

/** `systemctl list-unit-files` (optionally matching a glob): every unit file and its enablement. */
export async function listUnitFiles(guest: Guest, pattern?: string, signal?: AbortSignal): Promise<UnitFileRow[]> {
  const r = await systemctl(guest, ['list-unit-files', '--no-legend', '--no-pager', '--full', ...(pattern ? ['--', pattern] : [])], signal);
  // No unit matching the pattern: systemctl exits 1 with empty output.
  if (r.code !== 0 && !(pattern && r.stdout.trim() === '' && r.stderr.trim() === '')) failIfError(r, 'systemctl list-unit-files');
  return parseUnitFiles(r.stdout);
}
