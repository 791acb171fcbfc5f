import { posix } from 'node:path';
import type { Guest } from '../../guest/types.js';
import { readOptional, type FileChange } from '../../guest/file-changes.js';
import { editIfcfg, readIfcfg } from '../ifcfg.js';
import { editIfcfgRoutes, readIfcfgRoutes } from '../ifcfg-routes.js';
import { readDirFiles } from '../guest-files.js';
import type { NetworkBackend } from '../backend.js';
import type { InterfaceConfig } from '../model.js';
import { notReflected } from '../reflects.js';

// RHEL ≤ 8 initscripts files: ifcfg-IFACE for addressing and DNS, route-IFACE for routes. No tool
// checks them offline (ifup needs the running system), so they are read back.

const DIR = '/etc/sysconfig/network-scripts';
const IFCFG = /^ifcfg-(?!lo$)[^.~]+$/;

async function read(guest: Guest): Promise<InterfaceConfig[]> {
  const files = await readDirFiles(guest, DIR, (n) => IFCFG.test(n) || n.startsWith('route-'));
  return Object.entries(files)
    .filter(([p]) => IFCFG.test(posix.basename(p)))
    .flatMap(([p, text]) => {
      const name = posix.basename(p).slice('ifcfg-'.length);
      return readIfcfg(text, name).map((c) => ({ ...c, routes: [...c.routes, ...readIfcfgRoutes(files[`${DIR}/route-${c.name}`] ?? '', c.name)] }));
    });
}

export const ifcfgBackend: NetworkBackend = {
  stack: 'ifcfg',
  reload: 'nmcli connection reload; nmcli connection up IFACE (or ifdown/ifup IFACE)',
  read,
  async plan(guest, change): Promise<FileChange[]> {
    const route = change.kind === 'route-add' || change.kind === 'route-remove';
    const path = `${DIR}/${route ? 'route' : 'ifcfg'}-${change.iface}`;
    const before = await readOptional(guest, path);
    const after = route ? editIfcfgRoutes(before, change) : editIfcfg(before ?? `DEVICE=${change.iface}\nONBOOT=yes\n`, change);
    return after === null ? [] : [{ path, before, after, mode: 0o644, uid: 0, gid: 0 }];
  },
  async validate(guest, change) {
    const why = notReflected(await read(guest), change);
    if (why) throw new Error(`re-reading ${DIR}: ${why}`);
  },
  async perInterfaceDns() {
    return true;
  },
};
