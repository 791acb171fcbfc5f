import { constants as C, promises as fsp } from 'node:fs';
import type { Guest } from '../../../src/guest/types.js';
import { LocalGuestFs } from '../../../src/guest/local-fs.js';
import { CliError, guestPathError } from '../../../src/util/errors.js';

// Reading a guest file piece by piece (cat, head, download). On a mounted guest the file is
// opened on the host below the guest root, after chroot-style resolution, with O_NOFOLLOW
// so a last component swapped for a symlink is refused; other guests read the whole file
// through GuestFs.readFile.

export interface GuestReader {
  /** Canonical guest path (symlinks resolved inside the guest). */
  path: string;
  size: number;
  chunks(signal?: AbortSignal): AsyncGenerator<Buffer>;
  close(): Promise<void>;
}

const CHUNK = 1 << 20;

export async function openGuestFile(guest: Guest, path: string): Promise<GuestReader> {
  const fs = guest.fs;
  if (!(fs instanceof LocalGuestFs)) {
    const st = await fs.stat(path);
    if (st.type === 'directory') throw guestPathError('EISDIR', st.path);
    if (st.type !== 'file') throw guestPathError('EINVAL', st.path, 'not a regular file');
    let data: Buffer | null = await fs.readFile(path);
    return {
      path: st.path,
      size: data.length,
      async *chunks() {
        if (data) yield data;
      },
      async close() {
        data = null;
      },
    };
  }
  const r = fs.hostPathOf(path, true);
  if (r.kind === 'directory') throw guestPathError('EISDIR', r.guestPath);
  let fh: fsp.FileHandle;
  try {
    fh = await fsp.open(r.hostPath, C.O_RDONLY | C.O_NOFOLLOW | C.O_NONBLOCK);
  } catch (err) {
    throw asGuestError(err, r.guestPath);
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
            throw asGuestError(err, r.guestPath);
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

function asGuestError(err: unknown, guestPath: string): unknown {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'ELOOP') return guestPathError('ELOOP', guestPath, 'refused: the path changed into a symlink');
  if (typeof code === 'string' && !(err as { guestPathError?: boolean }).guestPathError) return guestPathError(code, guestPath);
  return err;
}
