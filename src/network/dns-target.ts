import type { Guest } from '../guest/types.js';
import { readOptional, type FileChange } from '../guest/file-changes.js';
import { CliError } from '../util/errors.js';
import { editResolvConf, editResolvedConf } from './resolv-conf.js';

// Where DNS goes when the stack does not apply per-interface servers: systemd-resolved's
// resolved.conf when /etc/resolv.conf is its stub link, else /etc/resolv.conf itself.

const RESOLV = '/etc/resolv.conf';
const RESOLVED = '/etc/systemd/resolved.conf';

export async function resolverChange(guest: Guest, servers: string[], search?: string[]): Promise<FileChange> {
  const st = await guest.fs.lstat(RESOLV).catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') return null;
    throw err;
  });
  if (st?.type === 'symlink') {
    const target = await guest.fs.readlink(RESOLV);
    if (!/\/run\/systemd\/resolve\//.test(target)) throw new CliError('unsupported', `${RESOLV} is a link to ${target}, which something else manages: not changing it`);
    const before = await readOptional(guest, RESOLVED);
    return { path: RESOLVED, before, after: editResolvedConf(before ?? '', servers, search), mode: 0o644, uid: 0, gid: 0 };
  }
  const before = await readOptional(guest, RESOLV);
  return { path: RESOLV, before, after: editResolvConf(before ?? '', servers, search), mode: 0o644, uid: 0, gid: 0 };
}
