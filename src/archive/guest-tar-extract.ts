import { randomBytes } from 'node:crypto';
import type { Guest } from '../guest/types.js';
import { isAbsent } from '../guest/stat-or-null.js';
import { CliError } from '../util/errors.js';
import { guestTempDir } from './guest-temp.js';

// The guest's own GNU tar (in the jail on an image, through the agent on a live VM) extracts
// exactly the members already vetted, by name, with owners as stored (numeric), modes, xattrs
// and ACLs. The plain tar given here is the one that was checked, byte for byte.

export interface GuestTarExtract {
  /** Which command is asking (for errors). */
  who: string;
  signal: AbortSignal;
  note(text: string): void;
}

export async function extractWithGuestTar(guest: Guest, tar: Buffer, names: string[], target: string, opts: GuestTarExtract): Promise<void> {
  await guest.prepareWrite?.();
  const base = `${await guestTempDir(guest.fs)}/.guestctl-${opts.who}-${randomBytes(6).toString('hex')}`;
  const [archive, list] = [`${base}.tar`, `${base}.list`];
  try {
    await guest.fs.writeFile(archive, tar, { mode: 0o600, uid: 0, gid: 0 });
    await guest.fs.writeFile(list, names.map((n) => `${n}\0`).join(''), { mode: 0o600, uid: 0, gid: 0 });
    const r = await guest.exec(
      ['tar', '--extract', `--file=${archive}`, '--numeric-owner', '--same-owner', '--same-permissions', '--xattrs', '--xattrs-include=*', '--acls',
        `--directory=${target}`, '--no-recursion', '--null', '--verbatim-files-from', `--files-from=${list}`],
      { signal: opts.signal },
    );
    if (r.code === 127) throw new CliError('missing-tool', `${opts.who}: the guest has no tar (install GNU tar in the guest)`);
    if (r.code !== 0) throw new CliError('failed', `${opts.who}: the guest's tar: ${r.stderr.trim().split('\n').slice(-1)[0] ?? `exit ${r.code}`}`);
  } finally {
    for (const f of [archive, list]) {
      await guest.fs.remove(f).catch((err: Error) => {
        if (!isAbsent(err)) opts.note(`removing ${f} from the guest: ${err.message}`);
      });
    }
  }
}
