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

/** Run `work` on every item, at most `size` at a time. */
export async function inPool<T>(items: T[], size: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await work(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(size, items.length) }, worker));
}
