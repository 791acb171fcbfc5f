import { createHash } from 'node:crypto';
import type { Guest } from '../guest/types.js';

/** MD5 of a guest file, streamed when the backend can read it piece by piece. */
export async function guestMd5(guest: Guest, path: string, signal: AbortSignal): Promise<string> {
  const hash = createHash('md5');
  if (!guest.fs.openReader) return hash.update(await guest.fs.readFile(path)).digest('hex');
  const reader = await guest.fs.openReader(path);
  try {
    for await (const chunk of reader.chunks(signal)) hash.update(chunk);
  } finally {
    await reader.close();
  }
  return hash.digest('hex');
}
