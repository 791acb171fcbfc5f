import { posix } from 'node:path';
import type { Guest } from '../../guest/types.js';
import { readOptional, type FileChange } from '../../guest/file-changes.js';
import { editWickedConfig, editWickedIfcfg, editWickedRoutes, readWicked } from '../wicked.js';
import { readDirFiles } from '../guest-files.js';
import type { NetworkBackend } from '../backend.js';
import type { InterfaceConfig } from '../model.js';
import { notReflected } from '../reflects.js';

// SUSE wicked: ifcfg-IFACE (addressing), ifroute-IFACE or the global routes file (gateway and
// routes), and the netconfig settings in /etc/sysconfig/network/config (DNS). Read back after writing.

const DIR = '/etc/sysconfig/network';
const ROUTES = `${DIR}/routes`;
const CONFIG = `${DIR}/config`;
const IFCFG = /^ifcfg-(?!lo$)[^.~]+$/;

async function read(guest: Guest): Promise<InterfaceConfig[]> {
  const files = await readDirFiles(guest, DIR, (n) => IFCFG.test(n) || n.startsWith('ifroute-') || n === 'routes' || n === 'config');
  return Object.entries(files)
    .filter(([p]) => IFCFG.test(posix.basename(p)))
    .flatMap(([p, ifcfg]) => {
      const name = posix.basename(p).slice('ifcfg-'.length);
      const routes = [files[ROUTES], files[`${DIR}/ifroute-${name}`]].filter((t): t is string => t !== undefined);
      return readWicked(name, { ifcfg, routes, ...(files[CONFIG] !== undefined ? { config: files[CONFIG] } : {}) });
    });
}

export const wickedBackend: NetworkBackend = {
  stack: 'wicked',
  reload: 'wicked ifreload IFACE (netconfig update -f for DNS)',
  read,
  async plan(guest, change): Promise<FileChange[]> {
    const out: FileChange[] = [];
    const add = async (path: string, edit: (t: string | null) => string | null) => {
      const before = await readOptional(guest, path);
      const after = edit(before);
      if (after !== null) out.push({ path, before, after, mode: 0o644, uid: 0, gid: 0 });
    };
    const ifcfg = `${DIR}/ifcfg-${change.iface}`;
    if (change.kind === 'static' || change.kind === 'dhcp') await add(ifcfg, (t) => editWickedIfcfg(t ?? "STARTMODE='auto'\n", change));
    const ifroute = `${DIR}/ifroute-${change.iface}`;
    const routeFile = (await guest.fs.exists(ifroute)) ? ifroute : ROUTES;
    if (change.kind !== 'dns') await add(routeFile, (t) => editWickedRoutes(t, change));
    if (change.kind === 'route-remove' && routeFile === ifroute) await add(ROUTES, (t) => editWickedRoutes(t, change));
    if (change.kind === 'dns' || (change.kind === 'static' && change.dns !== undefined)) await add(CONFIG, (t) => editWickedConfig(t ?? '', change));
    return out;
  },
  async validate(guest, change) {
    const why = notReflected(await read(guest), change);
    if (why) throw new Error(`re-reading ${DIR}: ${why}`);
  },
  async perInterfaceDns() {
    return true;
  },
};
