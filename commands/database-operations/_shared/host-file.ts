import { constants as C, promises as fsp } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { basename, dirname, join } from 'node:path';
import type { Guest } from '../../../src/guest/types.js';
import { CliError } from '../../../src/util/errors.js';

// A dump leaves the guest into a host file guestctl creates itself (O_EXCL|O_NOFOLLOW, a temp
// name next to the destination) and then links into place: the destination is only ever a
// complete dump, and an existing file is replaced only when asked.

export async function copyOutAtomically(guest: Guest, guestPath: string, dest: string, replace: boolean, signal: AbortSignal): Promise<number> {
  const existing = await fsp.lstat(dest).catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') return null;
    throw err;
  });
  if (existing?.isDirectory()) throw new CliError('exists', `${dest} is a directory on the host: give a file name`);
  if (existing && !replace) throw new CliError('exists', `${dest} already exists on the host: pass --force to replace it`);
  const tmp = join(dirname(dest), `.${basename(dest)}.guestctl-${randomBytes(6).toString('hex')}`);
  const out = await fsp.open(tmp, C.O_WRONLY | C.O_CREAT | C.O_EXCL | C.O_NOFOLLOW, 0o600).catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') throw new CliError('not-found', `no such host directory: ${dirname(dest)}`);
    throw err;
  });
  let size = 0;
  try {
    if (guest.fs.openReader) {
      const r = await guest.fs.openReader(guestPath);
      try {
        for await (const chunk of r.chunks(signal)) {
          await out.write(chunk);
          size += chunk.length;
        }
      } finally {
        await r.close();
      }
    } else {
      const data = await guest.fs.readFile(guestPath);
      await out.write(data);
      size = data.length;
    }
    await out.sync();
    await out.close();
    if (replace) await fsp.rename(tmp, dest);
    else await linkInPlace(tmp, dest);
  } catch (err) {
    // The first error is the one reported; the handle may already be closed (close itself failed).
    await out.close().catch(() => undefined);
    await fsp.rm(tmp, { force: true });
    throw err;
  }
  return size;
}

async function linkInPlace(tmp: string, dest: string): Promise<void> {
  try {
    await fsp.link(tmp, dest);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') throw new CliError('exists', `${dest} already exists on the host: pass --force to replace it`);
    throw err;
  }
  await fsp.unlink(tmp);
}
