import type { Guest } from '../../guest/types.js';
import type { FileChange } from '../../guest/file-changes.js';
import { editNetworkd, networkdMatchNames, readNetworkd } from '../networkd.js';
import { readDirFiles } from '../guest-files.js';
import type { NetworkBackend } from '../backend.js';
import { notReflected } from '../reflects.js';

// systemd-networkd .network files in /etc/systemd/network. A change goes to the file whose
// [Match] Name= is exactly the interface, or to a new 10-IFACE.network. systemd has no offline
// check of a .network file (systemd-analyze verify takes units, not networkd files), so the written
// file is read back with the same parser and must show the change.

const DIR = '/etc/systemd/network';

async function networkFiles(guest: Guest): Promise<Record<string, string>> {
  return readDirFiles(guest, DIR, (n) => n.endsWith('.network'));
}

const fileOf = (files: Record<string, string>, iface: string) => Object.keys(files).find((p) => networkdMatchNames(files[p]!).includes(iface));

export const networkdBackend: NetworkBackend = {
  stack: 'networkd',
  reload: 'networkctl reload',
  async read(guest) {
    return Object.values(await networkFiles(guest)).flatMap(readNetworkd);
  },
  async plan(guest, change): Promise<FileChange[]> {
    const files = await networkFiles(guest);
    const path = fileOf(files, change.iface);
    if (path !== undefined) return [{ path, before: files[path]!, after: editNetworkd(files[path]!, change) }];
    return [{ path: `${DIR}/10-${change.iface}.network`, before: null, after: editNetworkd(`[Match]\nName=${change.iface}\n`, change), mode: 0o644, uid: 0, gid: 0 }];
  },
  async validate(guest, change) {
    const files = await networkFiles(guest);
    const path = fileOf(files, change.iface);
    const why = path === undefined ? `no .network file matches ${change.iface}` : notReflected(readNetworkd(files[path]!), change);
    if (why) throw new Error(`re-reading ${path ?? DIR}: ${why}`);
  },
  async perInterfaceDns() {
    return true;
  },
};
