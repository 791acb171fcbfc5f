import { createHash } from 'node:crypto';
import type { GuestFs } from './types.js';

/** A hex digest (md5, sha256, ...) of a guest file, streamed when the backend reads it piece by piece. */
export async function guestFileDigest(fs: GuestFs, path: string, algorithm: 'md5' | 'sha256', signal?: AbortSignal): Promise<string> {
  const hash = createHash(algorithm);
  if (!fs.openReader) return hash.update(await fs.readFile(path)).digest('hex');
  const reader = await fs.openReader(path);
  try {
    for await (const chunk of reader.chunks(signal)) hash.update(chunk);
  } finally {
    await reader.close();
  }
  return hash.digest('hex');
}
