import type { Guest } from '../../../src/guest/types.js';
import { isFile } from '../../../src/guest/stat-or-null.js';
import { bootHook, type BootHook } from '../../../src/firstboot/boot-hooks.js';
import { STATE_DIRS, type ScriptState } from '../../../src/firstboot/layout.js';
import { parseScriptName } from '../../../src/firstboot/script-names.js';
import { CliError } from '../../../src/util/errors.js';

// The guest side of `firstboot`: which scripts are where, and which boot hook this guest gets.

export interface ScriptRow {
  number: number;
  state: ScriptState;
  name: string;
  path: string;
}

async function namesIn(guest: Guest, dir: string): Promise<string[]> {
  try {
    return (await guest.fs.list(dir)).filter((e) => e.type === 'file').map((e) => e.name);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
}

/** Every script guestctl named, pending, done or failed, by number. */
export async function listScripts(guest: Guest): Promise<ScriptRow[]> {
  const rows: ScriptRow[] = [];
  for (const state of ['pending', 'done', 'failed'] as const) {
    for (const name of await namesIn(guest, STATE_DIRS[state])) {
      const n = parseScriptName(name);
      if (n) rows.push({ number: n.number, state, name, path: `${STATE_DIRS[state]}/${name}` });
    }
  }
  return rows.sort((a, b) => a.number - b.number || a.state.localeCompare(b.state));
}

async function firstFile(guest: Guest, paths: string[]): Promise<string | null> {
  for (const p of paths) if (await isFile(guest.fs, p)) return p;
  return null;
}

/** The boot hook for this guest's init system; busybox init, runit and unknown ones are refused. */
export async function hookFor(guest: Guest): Promise<BootHook> {
  const init = guest.os.initSystem;
  if (init === 'systemd') return bootHook('systemd');
  if (init === 'openrc') return bootHook('openrc');
  if (init === 'sysvinit') {
    if (await firstFile(guest, ['/usr/sbin/update-rc.d', '/sbin/update-rc.d'])) return bootHook('sysv-update-rc.d');
    if (await firstFile(guest, ['/sbin/chkconfig', '/usr/sbin/chkconfig'])) return bootHook('sysv-chkconfig');
    throw new CliError('unsupported', 'firstboot: this sysvinit guest has neither update-rc.d nor chkconfig to enable an init script');
  }
  throw new CliError('unsupported', `firstboot supports systemd, sysvinit and OpenRC guests; this guest's init is ${init ?? 'unknown'}`);
}
