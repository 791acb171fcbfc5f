import { randomUUID } from 'node:crypto';
import type { Guest } from '../../guest/types.js';
import type { FileChange } from '../../guest/file-changes.js';
import { editKeyfile, keyfileInterface, readKeyfile } from '../nm-keyfile.js';
import { readDirFiles } from '../guest-files.js';
import { complaint, type NetworkBackend } from '../backend.js';
import { notReflected } from '../reflects.js';
import type { NetChange } from '../model.js';

// NetworkManager keyfiles. A change goes to the keyfile bound to the interface, or to a new
// IFACE.nmconnection (0600 root: NetworkManager ignores keyfiles others can read). Checked with the
// guest's `nmcli --offline connection modify` (NM 1.42+), which parses a keyfile from stdin and
// refuses an invalid one; without it, by reading the file back.

const DIR = '/etc/NetworkManager/system-connections';
const isKeyfile = (n: string) => n.endsWith('.nmconnection');

async function keyfiles(guest: Guest): Promise<Record<string, string>> {
  return readDirFiles(guest, DIR, isKeyfile);
}

function fileOf(files: Record<string, string>, iface: string): string | undefined {
  return Object.keys(files).find((p) => keyfileInterface(files[p]!) === iface);
}

function newKeyfile(iface: string): string {
  return `[connection]\nid=${iface}\nuuid=${randomUUID()}\ntype=ethernet\ninterface-name=${iface}\n`;
}

async function nmcliCheck(guest: Guest, path: string, text: string): Promise<'checked' | 'no-offline'> {
  const id = /^id=(.*)$/m.exec(text)?.[1] ?? 'guestctl';
  const argv = ['nmcli', '--offline', 'connection', 'modify', 'connection.id', id];
  const r = await guest.exec(argv, { stdin: text, env: { LC_ALL: 'C' } });
  if (r.code === 127) return 'no-offline';
  if (r.code !== 0 && /offline/i.test(r.stderr) && /(unknown|invalid) option/i.test(r.stderr)) return 'no-offline';
  if (r.code !== 0) throw new Error(`nmcli --offline connection modify < ${path}: ${complaint(r.stderr, r.stdout, r.code)}`);
  return 'checked';
}

export const networkManagerBackend: NetworkBackend = {
  stack: 'networkmanager',
  reload: 'nmcli connection reload; nmcli connection up IFACE',
  async read(guest) {
    return Object.values(await keyfiles(guest)).flatMap(readKeyfile);
  },
  async plan(guest, change: NetChange): Promise<FileChange[]> {
    const files = await keyfiles(guest);
    const path = fileOf(files, change.iface);
    if (path !== undefined) return [{ path, before: files[path]!, after: editKeyfile(files[path]!, change) }];
    return [{ path: `${DIR}/${change.iface}.nmconnection`, before: null, after: editKeyfile(newKeyfile(change.iface), change), mode: 0o600, uid: 0, gid: 0 }];
  },
  async validate(guest, change) {
    const files = await keyfiles(guest);
    const path = fileOf(files, change.iface);
    if (path === undefined) throw new Error(`re-reading ${DIR}: no keyfile for ${change.iface}`);
    await nmcliCheck(guest, path, files[path]!);
    const why = notReflected(readKeyfile(files[path]!), change);
    if (why) throw new Error(`re-reading ${path}: ${why}`);
  },
  async perInterfaceDns() {
    return true;
  },
};
