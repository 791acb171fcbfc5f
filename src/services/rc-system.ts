import type { Guest, GuestFs } from '../guest/types.js';
import { isDir, isFile } from '../guest/stat-or-null.js';
import { readOptional } from '../guest/file-changes.js';
import { CliError } from '../util/errors.js';
import { inittabDefault, openrcServices, rcLinkMap, sysvBootLevels, sysvServices, type RcDir, type RcEntry, type RcServiceRow } from './rc-links.js';

// Which service manager a guest has, and its services as its rc links say (read through
// guest.fs, so it works the same on a disk image and on a running guest).

export type RcSystem =
  | { kind: 'openrc' }
  /** sysvinit: the rcN.d directories under `base`, and the guest's tool that edits them. */
  | { kind: 'sysv'; base: '/etc' | '/etc/rc.d'; tool: 'update-rc.d' | 'chkconfig' };

/**
 * 'systemd' when the guest runs it (or its init is unknown: its systemctl decides), else the rc
 * layout its files show. Alpine's init is busybox, which starts OpenRC: the layout decides, not
 * /sbin/init. A guest with neither is refused, naming the command.
 */
export async function serviceManager(guest: Guest, command: string): Promise<'systemd' | RcSystem> {
  const init = guest.os.initSystem;
  if (!init || init === 'systemd') return 'systemd';
  if (await isDir(guest.fs, '/etc/runlevels')) return { kind: 'openrc' };
  // RHEL's /etc/rcN.d are links to /etc/rc.d/rcN.d, so that comes first.
  if (await isDir(guest.fs, '/etc/rc.d/rc3.d')) return { kind: 'sysv', base: '/etc/rc.d', tool: 'chkconfig' };
  if (await isDir(guest.fs, '/etc/rc3.d')) return { kind: 'sysv', base: '/etc', tool: 'update-rc.d' };
  throw new CliError('unsupported', `${command} needs systemd in the guest, and this guest runs ${init} (with neither /etc/runlevels nor /etc/rcN.d)`);
}

/** The readable name of an rc system, for messages. */
export function rcSystemName(sys: RcSystem): string {
  return sys.kind === 'openrc' ? 'OpenRC' : 'sysvinit';
}

const SYSV_LEVELS = ['S', '0', '1', '2', '3', '4', '5', '6'];

/** Entries of a directory with their symlink targets; none when the directory is missing. */
async function rcEntries(fs: GuestFs, dir: string): Promise<RcEntry[]> {
  if (!(await isDir(fs, dir))) return [];
  const out: RcEntry[] = [];
  for (const e of await fs.list(dir)) out.push({ name: e.name, target: e.type === 'symlink' ? await fs.readlink(`${dir}/${e.name}`) : '' });
  return out;
}

/** Debian's runlevel drivers in /etc/init.d, which /etc/inittab runs: not services. */
const RUNLEVEL_DRIVERS = ['rc', 'rcS'];

/** The executable init scripts (not `functions`, README, the rc drivers, dpkg/rpm leftovers or hidden files). */
async function initScripts(fs: GuestFs, dir: string): Promise<string[]> {
  const names: string[] = [];
  for (const e of await rcEntries(fs, dir)) {
    if (e.name.startsWith('.') || /\.(dpkg-|rpm)/.test(e.name) || RUNLEVEL_DRIVERS.includes(e.name)) continue;
    const path = `${dir}/${e.name}`;
    // isFile first: a dangling link or a link loop (a hostile image) is not a script.
    if ((await isFile(fs, path)) && ((await fs.stat(path)).mode & 0o111) !== 0) names.push(e.name);
  }
  return names;
}

async function runlevelDirs(fs: GuestFs, sys: RcSystem): Promise<RcDir[]> {
  if (sys.kind === 'sysv') {
    const dirs: RcDir[] = [];
    for (const runlevel of SYSV_LEVELS) {
      const path = `${sys.base}/rc${runlevel}.d`;
      if (await isDir(fs, path)) dirs.push({ runlevel, entries: await rcEntries(fs, path) });
    }
    return dirs;
  }
  const levels = (await fs.list('/etc/runlevels')).filter((e) => e.type === 'directory').map((e) => e.name);
  return Promise.all(levels.map(async (runlevel) => ({ runlevel, entries: await rcEntries(fs, `/etc/runlevels/${runlevel}`) })));
}

export interface RcState {
  services: RcServiceRow[];
  /** Every rc link, `DIR/NAME` → target, to show what enable/disable changed. */
  links: Map<string, string>;
}

/** The guest's init scripts, whether each starts at boot, and every rc link. */
export async function readRcState(guest: Guest, sys: RcSystem): Promise<RcState> {
  const dirs = await runlevelDirs(guest.fs, sys);
  if (sys.kind === 'openrc') {
    return { services: openrcServices(await initScripts(guest.fs, '/etc/init.d'), dirs), links: rcLinkMap('/etc/runlevels', dirs, (l) => l) };
  }
  const inittab = await readOptional(guest, '/etc/inittab');
  const boot = sysvBootLevels(inittab === null ? null : inittabDefault(inittab));
  return { services: sysvServices(await initScripts(guest.fs, `${sys.base}/init.d`), dirs, boot), links: rcLinkMap(sys.base, dirs, (l) => `rc${l}.d`) };
}
