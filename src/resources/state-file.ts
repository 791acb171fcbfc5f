import { constants, promises as fsp } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { basename } from 'node:path';
import type { Resource } from './resource.js';

// A session's state file: what it holds (written before each change, atomically: a new
// O_EXCL|O_NOFOLLOW temp file renamed over the old one), read back by `guestctl cleanup`.

export interface StateFileRecord {
  pid: number;
  target: string;
  started: string;
  resources: Resource[];
}

export async function writeStateFile(path: string, state: StateFileRecord): Promise<void> {
  const tmp = `${path}.${randomBytes(6).toString('hex')}.tmp`;
  const fh = await fsp.open(tmp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, 0o600);
  try {
    try {
      await fh.writeFile(JSON.stringify(state, null, 2));
    } finally {
      await fh.close();
    }
    await fsp.rename(tmp, path);
  } catch (err) {
    await fsp.rm(tmp, { force: true });
    throw err;
  }
}

/** Read and validate a state file; throws a one-line reason when it is unreadable or corrupt. */
export async function readStateFile(path: string): Promise<StateFileRecord> {
  const fh = await fsp.open(path, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  let text: string;
  try {
    if (!(await fh.stat()).isFile()) throw new Error('not a regular file');
    text = await fh.readFile('utf8');
  } finally {
    await fh.close();
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new Error(`${basename(path)} is not valid JSON`);
  }
  const why = invalidState(value);
  if (why) throw new Error(`${basename(path)} is corrupt: ${why}`);
  return value as StateFileRecord;
}

const FIELDS: Record<Resource['kind'], Record<string, 'string' | 'number'>> = {
  mount: { path: 'string', source: 'string' },
  loop: { device: 'string', backing: 'string', offset: 'number' },
  daemon: { pid: 'number', program: 'string' },
  md: { device: 'string' },
  dir: { path: 'string' },
  file: { path: 'string' },
  'guest-file': { path: 'string', dev: 'number', ino: 'number' },
  dm: { name: 'string', tool: 'string' },
};

function invalidState(v: unknown): string | null {
  if (typeof v !== 'object' || v === null) return 'not an object';
  const s = v as Record<string, unknown>;
  if (!Number.isInteger(s.pid) || (s.pid as number) <= 0) return 'no valid pid';
  if (typeof s.target !== 'string') return 'no target';
  if (!Array.isArray(s.resources)) return 'no resource list';
  for (const [i, r] of (s.resources as unknown[]).entries()) {
    const kind = (r as { kind?: unknown } | null)?.kind;
    const fields = typeof kind === 'string' ? FIELDS[kind as Resource['kind']] : undefined;
    if (!fields) return `resource ${i} has an unknown kind`;
    for (const [k, t] of Object.entries(fields)) {
      const value = (r as Record<string, unknown>)[k];
      if (typeof value !== t) return `resource ${i} (${kind}) has no valid ${k}`;
      if ((k === 'path' || k === 'device' || k === 'backing') && !(value as string).startsWith('/')) return `resource ${i} (${kind}) has a relative ${k}`;
    }
  }
  return null;
}
