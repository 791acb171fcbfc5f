// clean-logs' choice, shared with sysprep's logfiles: rotated and compressed logs under
// /var/log (name.1, name.2.gz, name.gz, name.xz, name.old, RHEL's name-YYYYMMDD), and with an
// age every log not written for that long. The current logs stay: the services that write
// them expect them (with their owner and mode); the journal has its own vacuum.
import { posix } from 'node:path';
import type { Guest } from '../../../src/guest/types.js';
import { CliError } from '../../../src/util/errors.js';
import { filesBelow, type PathItem } from './guest-paths.js';

export const LOG_DIR = '/var/log';
export const JOURNAL_DIR = '/var/log/journal';

const ROTATED = /(\.\d+|\.old|-\d{8})(\.(gz|xz|bz2|zst|lz4|Z))?$|\.(gz|xz|bz2|zst|lz4|Z)$/;

export function isRotatedLog(name: string): boolean {
  return ROTATED.test(name);
}

export async function logItems(guest: Guest, olderThanDays: number | null, signal: AbortSignal, now = Date.now()): Promise<PathItem[]> {
  const cutoff = olderThanDays === null ? null : now - olderThanDays * 86_400_000;
  const items: PathItem[] = [];
  for (const f of await filesBelow(guest, LOG_DIR, signal)) {
    if (f.type !== 'file' || f.path.startsWith(`${JOURNAL_DIR}/`)) continue;
    if (isRotatedLog(posix.basename(f.path)) || (cutoff !== null && f.mtime.getTime() < cutoff)) items.push({ path: f.path, type: f.type, size: f.size });
  }
  return items;
}

/** journalctl's own size syntax (bytes, or K, M, G, T). */
export function journalSize(text: string): string {
  if (!/^\d+[KMGT]?$/.test(text)) throw new CliError('usage', `--keep-journal: not a size: '${text}' (e.g. 100M)`);
  return text;
}

/** The guest's journalctl vacuums the journal files of the image, not the host's. */
export function vacuumArgv(size: string): string[] {
  return ['journalctl', `--directory=${JOURNAL_DIR}`, `--vacuum-size=${size}`];
}
