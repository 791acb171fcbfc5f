import { constants as C, promises as fsp } from 'node:fs';
import type { GuestFileReader } from './types.js';
import type { Resolved } from './resolve.js';
import { toGuestError } from './host-entry.js';
import { CliError, guestPathError } from '../util/errors.js';

// Reading a file of a host-directory guest piece by piece: opened below the guest root after
// chroot-style resolution, with O_NOFOLLOW so a last component swapped for a symlink is refused.

const CHUNK = 1 << 20;

export async function openHostFileReader(r: Resolved): Promise<GuestFileReader> {
  if (r.kind === 'directory') throw guestPathError('EISDIR', r.guestPath);
  let fh: fsp.FileHandle;
  try {
    fh = await fsp.open(r.hostPath, C.O_RDONLY | C.O_NOFOLLOW | C.O_NONBLOCK);
  } catch (err) {
    throw toGuestError(err, r.guestPath);
  }
  try {
    const st = await fh.stat();
    if (st.isDirectory()) throw guestPathError('EISDIR', r.guestPath);
    if (!st.isFile()) throw guestPathError('EINVAL', r.guestPath, 'not a regular file');
    return {
      path: r.guestPath,
      size: st.size,
      async *chunks(signal?: AbortSignal) {
        for (;;) {
          if (signal?.aborted) throw new CliError('cancelled', 'cancelled');
          const buf = Buffer.allocUnsafe(CHUNK);
          let n: number;
          try {
            ({ bytesRead: n } = await fh.read(buf, 0, CHUNK, null));
          } catch (err) {
            throw toGuestError(err, r.guestPath);
          }
          if (n === 0) return;
          yield n === CHUNK ? buf : buf.subarray(0, n);
        }
      },
      close: () => fh.close(),
    };
  } catch (err) {
    await fh.close();
    throw err;
  }
}
