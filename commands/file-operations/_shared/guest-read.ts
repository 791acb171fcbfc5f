import type { Guest, GuestFileReader } from '../../../src/guest/types.js';
import { guestPathError } from '../../../src/util/errors.js';

// Reading a guest file piece by piece (cat, head, download): through the backend's own reader
// when it has one (a mounted guest opens the file below the guest root with O_NOFOLLOW); other
// guests read the whole file through GuestFs.readFile.

export async function openGuestFile(guest: Guest, path: string): Promise<GuestFileReader> {
  const fs = guest.fs;
  if (fs.openReader) return fs.openReader(path);
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
