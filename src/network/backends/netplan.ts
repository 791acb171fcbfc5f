import type { Guest } from '../../guest/types.js';
import type { FileChange } from '../../guest/file-changes.js';
import { readDirFiles } from '../guest-files.js';
import type { NetworkBackend } from '../backend.js';
import { notReflected } from '../reflects.js';
import { editNetplanFiles, NETPLAN_FILE_MODE, readNetplan } from '../netplan.js';
import { netplanGenerate } from '../netplan-validate.js';

// netplan YAML under /lib, /etc and /run/netplan, merged as netplan merges them. A change edits the
// /etc/netplan file that defines the interface (or a new 90-guestctl.yaml, mode 0600) and takes the
// interface's lists out of the other files, since netplan joins lists across files. Checked by the
// guest's own `netplan generate` (on a private copy), then read back with the same parser.

const DIRS = ['/lib/netplan', '/etc/netplan', '/run/netplan'];
const isYaml = (name: string) => /\.ya?ml$/.test(name);

async function netplanFiles(guest: Guest): Promise<Record<string, string>> {
  const all: Record<string, string> = {};
  for (const dir of DIRS) Object.assign(all, await readDirFiles(guest, dir, isYaml));
  return all;
}

async function readAll(guest: Guest) {
  const files = await netplanFiles(guest);
  try {
    return readNetplan(files);
  } catch (err) {
    throw new Error(`reading netplan: ${(err as Error).message}`);
  }
}

export const netplanBackend: NetworkBackend = {
  stack: 'netplan',
  reload: 'netplan apply',
  read: readAll,
  async plan(guest, change): Promise<FileChange[]> {
    const files = await netplanFiles(guest);
    const edited = editNetplanFiles(files, change);
    return Object.entries(edited).map(([path, after]) =>
      path in files ? { path, before: files[path]!, after } : { path, before: null, after, mode: NETPLAN_FILE_MODE, uid: 0, gid: 0 },
    );
  },
  async validate(guest, change) {
    await netplanGenerate(guest);
    const why = notReflected(await readAll(guest), change);
    if (why) throw new Error(`re-reading /etc/netplan: ${why}`);
  },
  async perInterfaceDns() {
    return true;
  },
};
