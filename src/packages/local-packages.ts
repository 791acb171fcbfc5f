// `install ./file.deb`: a package file on the host is copied into the guest at a private
// temporary path, installed from there by the guest's manager, and removed afterwards.
import { randomBytes } from 'node:crypto';
import { promises as fsp } from 'node:fs';
import path from 'node:path';
import type { Guest } from '../guest/types.js';
import { CliError } from '../util/errors.js';

export const PACKAGE_FILE = /\.(deb|rpm|apk)$|\.pkg\.tar(\.(zst|xz|gz))?$/;
const GUEST_TMP = '/var/tmp';

/** A host package file: the argument ends like one and names a regular file on the host. */
export async function isHostPackageFile(arg: string): Promise<boolean> {
  if (!PACKAGE_FILE.test(arg)) return false;
  const st = await fsp.stat(arg).catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT' || err.code === 'ENOTDIR') return null;
    throw new CliError('failed', `reading the package file ${arg}: ${err.message}`, { cause: err });
  });
  if (st && !st.isFile()) throw new CliError('usage', `not a regular file: ${arg}`);
  return st !== null;
}

export interface StagedPackages {
  /** Guest paths of the copies, in the order given. */
  guestPaths: string[];
  /** Removes every copy; throws naming the ones it could not remove. */
  remove(): Promise<void>;
}

export async function stagePackageFiles(guest: Guest, hostFiles: string[]): Promise<StagedPackages> {
  const guestPaths: string[] = [];
  const remove = async () => {
    const failed: string[] = [];
    for (const p of guestPaths) {
      await guest.fs.remove(p).catch((err: Error) => failed.push(`${p} (${err.message})`));
    }
    if (failed.length) throw new CliError('failed', `removing the package copies from the guest: ${failed.join(', ')}`);
  };
  try {
    for (const file of hostFiles) {
      const data = await fsp.readFile(file).catch((err: Error) => {
        throw new CliError('failed', `reading the package file ${file}: ${err.message}`, { cause: err });
      });
      const target = await freshGuestPath(guest, path.basename(file).match(PACKAGE_FILE)![0]);
      guestPaths.push(target);
      await guest.fs.writeFile(target, data, { mode: 0o644, uid: 0, gid: 0 });
    }
  } catch (err) {
    const removal = await remove().then(
      () => null,
      (e: Error) => e,
    );
    if (!removal) throw err;
    throw new CliError('failed', `${(err as Error).message}; and ${removal.message}`, { cause: err });
  }
  return { guestPaths, remove };
}

/** A name nobody else uses in the guest's /var/tmp (16 random bytes, checked to be free). */
async function freshGuestPath(guest: Guest, suffix: string): Promise<string> {
  if (!(await guest.fs.exists(GUEST_TMP))) throw new CliError('failed', `copying the package into the guest: the guest has no ${GUEST_TMP}`);
  for (let i = 0; i < 4; i++) {
    const p = `${GUEST_TMP}/.guestctl-${randomBytes(16).toString('hex')}${suffix}`;
    if (!(await guest.fs.exists(p))) return p;
  }
  throw new CliError('failed', `copying the package into the guest: no free temporary name in ${GUEST_TMP}`);
}
