import { posix } from 'node:path';
import type { Guest } from '../../guest/types.js';
import { readOptional, type FileChange } from '../../guest/file-changes.js';
import { editIfupdown, ifupdownFileOf, readIfupdown } from '../ifupdown.js';
import { INTERFACES } from '../ifupdown-includes.js';
import { readDirFiles } from '../guest-files.js';
import { complaint, type NetworkBackend } from '../backend.js';
import { notReflected } from '../reflects.js';

// Debian ifupdown: /etc/network/interfaces and the files it sources, checked with the guest's
// `ifup --no-act` (ifupdown parses every file it reads and says what it would run).

/** /etc/network/interfaces and every file in the directories its source lines name, path → text. */
export async function readInterfacesFiles(guest: Guest): Promise<Record<string, string>> {
  const main = await readOptional(guest, INTERFACES);
  if (main === null) return {};
  const files: Record<string, string> = { [INTERFACES]: main };
  const seenDirs = new Set<string>();
  for (let grew = true; grew; ) {
    grew = false;
    for (const [path, text] of Object.entries(files)) {
      for (const m of text.matchAll(/^\s*(source|source-directory|source-dir)\s+(\S+)/gm)) {
        const target = posix.resolve(posix.dirname(path), m[2]!);
        const dir = m[1] === 'source' ? posix.dirname(target) : target;
        if (seenDirs.has(dir) || dir.includes('*')) continue;
        seenDirs.add(dir);
        Object.assign(files, await readDirFiles(guest, dir));
        grew = true;
      }
    }
  }
  return files;
}

export const ifupdownBackend: NetworkBackend = {
  stack: 'ifupdown',
  reload: 'ifdown IFACE; ifup IFACE (or systemctl restart networking)',
  async read(guest) {
    return readIfupdown(await readInterfacesFiles(guest));
  },
  async plan(guest, change): Promise<FileChange[]> {
    const files = await readInterfacesFiles(guest);
    const path = ifupdownFileOf(files, change.iface) ?? INTERFACES;
    const before = files[path] ?? null;
    return [{ path, before, after: editIfupdown(before ?? '', change), mode: 0o644, uid: 0, gid: 0 }];
  },
  async validate(guest, change) {
    const argv = ['ifup', '--no-act', '-i', INTERFACES, change.iface];
    const r = await guest.exec(argv, { env: { LC_ALL: 'C' } });
    if (r.code === 127) throw new Error(`${argv[0]}: not found in the guest`);
    if (r.code !== 0) throw new Error(`${argv.join(' ')}: ${complaint(r.stderr, r.stdout, r.code)}`);
    const why = notReflected(readIfupdown(await readInterfacesFiles(guest)), change);
    if (why) throw new Error(`re-reading ${INTERFACES}: ${why}`);
  },
  async perInterfaceDns(guest) {
    // dns-nameservers is applied by resolvconf's ifupdown hook; without resolvconf it is ignored.
    return (await guest.fs.exists('/sbin/resolvconf')) || (await guest.fs.exists('/usr/sbin/resolvconf'));
  },
};
