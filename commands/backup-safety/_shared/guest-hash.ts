import { createHash } from 'node:crypto';
import type { GuestFs } from '../../../src/guest/types.js';

/** sha256 of a guest file, read piece by piece when the backend can. */
export async function sha256OfGuestFile(fs: GuestFs, path: string, signal?: AbortSignal): Promise<string> {
  const hash = createHash('sha256');
  if (!fs.openReader) return hash.update(await fs.readFile(path)).digest('hex');
  const reader = await fs.openReader(path);
  try {
    for await (const chunk of reader.chunks(signal)) hash.update(chunk);
  } finally {
    await reader.close();
  }
  return hash.digest('hex');
}
