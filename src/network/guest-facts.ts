import { posix } from 'node:path';
import type { Guest } from '../guest/types.js';
import { isAbsent } from '../guest/stat-or-null.js';
import { distroFamily } from '../inspect/distro-family.js';
import { listUnitFiles } from '../services/systemctl.js';
import { readRcState, serviceManager } from '../services/rc-system.js';
import type { StackFacts } from './detect.js';
import { readDirFiles } from './guest-files.js';
import { readInterfacesFiles } from './backends/ifupdown.js';

// The facts detectStack decides from, gathered from the guest: the files in the stacks'
// directories, /etc/network/interfaces with what it sources, and the enabled services (systemd
// unit files, or an rc system's boot runlevels as NAME.service).

const DIRS = ['/etc/netplan', '/etc/NetworkManager/system-connections', '/etc/systemd/network', '/etc/sysconfig/network-scripts', '/etc/sysconfig/network'];

async function listNames(guest: Guest, dir: string): Promise<string[]> {
  try {
    return (await guest.fs.list(dir)).filter((e) => e.type === 'file' || e.type === 'symlink').map((e) => posix.join(dir, e.name));
  } catch (err) {
    if (isAbsent(err)) return [];
    throw err;
  }
}

async function enabledUnits(guest: Guest): Promise<string[]> {
  const manager = await serviceManager(guest, 'network');
  if (manager === 'systemd') return (await listUnitFiles(guest)).filter((r) => r.state === 'enabled' || r.state === 'enabled-runtime').map((r) => r.unit);
  return (await readRcState(guest, manager)).services.filter((s) => s.state === 'enabled').map((s) => `${s.unit}.service`);
}

export async function gatherStackFacts(guest: Guest): Promise<StackFacts> {
  const files = (await Promise.all(DIRS.map((d) => listNames(guest, d)))).flat();
  const interfaces = await readInterfacesFiles(guest);
  const major = Number.parseInt(guest.os.version ?? '', 10);
  return {
    family: await distroFamily(guest),
    ...(Number.isFinite(major) ? { versionMajor: major } : {}),
    files,
    ...(Object.keys(interfaces).length > 0 ? { interfaces } : {}),
    enabledUnits: await enabledUnits(guest),
  };
}

/** Interface names the guest's udev persistent-net rules give (NAME="eth0"). */
export async function udevNames(guest: Guest): Promise<string[]> {
  const rules = await readDirFiles(guest, '/etc/udev/rules.d', (n) => /persistent-net/.test(n));
  return Object.values(rules).flatMap((t) => [...t.matchAll(/^[^#\n]*\bNAME\s*=\s*"([^"]+)"/gm)].map((m) => m[1]!));
}
