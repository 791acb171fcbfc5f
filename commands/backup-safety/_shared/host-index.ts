import { constants as C, promises as fsp } from 'node:fs';
import { join } from 'node:path';
import type { Guest } from '../../../src/guest/types.js';
import { CliError } from '../../../src/util/errors.js';

// The host's record of the backups written to host files: one JSON line per backup in
// $XDG_DATA_HOME/guestctl/backups.jsonl. Each record is one write(2) on an O_APPEND file,
// so concurrent sessions add whole lines and never rewrite each other's.

export interface IndexRecord {
  image: string;
  file: string;
  date: string;
  paths: string[];
  size: number;
  sha256: string;
}

export function indexPath(env: Readonly<Record<string, string | undefined>>): string {
  const base = env.XDG_DATA_HOME || (env.HOME ? join(env.HOME, '.local', 'share') : null);
  if (!base) throw new CliError('failed', 'finding the backup index: neither XDG_DATA_HOME nor HOME is set');
  return join(base, 'guestctl', 'backups.jsonl');
}

/** What names this guest across sessions: the image file's absolute path, or the domain. */
export function imageIdentity(guest: Guest): string {
  // MountedGuest keeps the checked backing chain, top image first (a duck-typed look: commands
  // do not import backends).
  const chain = (guest as { chain?: { path: string }[] }).chain;
  if (chain?.[0]?.path) return chain[0].path;
  return `${guest.kind}:${guest.name}`;
}

export async function appendRecord(file: string, record: IndexRecord): Promise<void> {
  await fsp.mkdir(join(file, '..'), { recursive: true, mode: 0o700 });
  const fh = await fsp.open(file, C.O_WRONLY | C.O_CREAT | C.O_APPEND | C.O_NOFOLLOW, 0o600);
  try {
    await fh.write(`${JSON.stringify(record)}\n`);
    await fh.sync();
  } finally {
    await fh.close();
  }
}

export async function readRecords(file: string): Promise<{ records: IndexRecord[]; bad: number }> {
  const text = await fsp.readFile(file, 'utf8').catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') return '';
    throw new CliError('failed', `reading the backup index ${file}: ${err.message}`);
  });
  const records: IndexRecord[] = [];
  let bad = 0;
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    try {
      const r = JSON.parse(line) as IndexRecord;
      if (typeof r.file === 'string' && typeof r.image === 'string') records.push(r);
      else bad++;
    } catch {
      bad++; // counted and reported by `backups`: a line cut short by a crash
    }
  }
  return { records, bad };
}
