import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, isAbsolute, join } from 'node:path';
import { randomBytes } from 'node:crypto';

// What the guest agents told a scan, kept for a TTL: in memory for --watch and --serve,
// and in a small JSON file under the XDG cache directory so that repeated `guestctl scan`
// runs do not wait for slow agents again. A missing, unreadable or foreign file is an
// empty cache (it holds nothing that cannot be asked again).

export interface CacheHit<T> {
  value: T;
  /** When it was stored (ms since the epoch). */
  at: number;
}

interface FileShape {
  version: 1;
  entries: Record<string, { at: number; value: unknown }>;
}

export class TtlCache<T> {
  private entries = new Map<string, CacheHit<T>>();

  constructor(
    readonly ttlMs: number,
    private readonly opts: { file?: string; valid?: (v: unknown) => v is T } = {},
  ) {}

  get file(): string | undefined {
    return this.opts.file;
  }

  get(key: string, now = Date.now()): CacheHit<T> | undefined {
    const hit = this.entries.get(key);
    if (!hit) return undefined;
    if (this.ttlMs <= 0 || now - hit.at >= this.ttlMs || hit.at > now + 60_000) {
      this.entries.delete(key);
      return undefined;
    }
    return hit;
  }

  set(key: string, value: T, now = Date.now()): void {
    if (this.ttlMs <= 0) return;
    this.entries.set(key, { value, at: now });
  }

  delete(key: string): void {
    this.entries.delete(key);
  }

  get size(): number {
    return this.entries.size;
  }

  /** Merge the file's unexpired entries (memory wins). */
  async load(now = Date.now()): Promise<void> {
    if (!this.opts.file || this.ttlMs <= 0) return;
    let data: FileShape;
    try {
      data = JSON.parse(await readFile(this.opts.file, 'utf8')) as FileShape;
    } catch {
      return;
    }
    if (!data || data.version !== 1 || typeof data.entries !== 'object' || data.entries === null) return;
    for (const [key, e] of Object.entries(data.entries)) {
      if (!e || typeof e.at !== 'number' || this.entries.has(key)) continue;
      if (this.opts.valid && !this.opts.valid(e.value)) continue;
      if (now - e.at >= this.ttlMs || e.at > now + 60_000) continue;
      this.entries.set(key, { at: e.at, value: e.value as T });
    }
  }

  /** Write the unexpired entries (owner-only file, replaced atomically). */
  async save(now = Date.now()): Promise<void> {
    const file = this.opts.file;
    if (!file || this.ttlMs <= 0) return;
    const entries: FileShape['entries'] = {};
    for (const [key, hit] of this.entries) if (now - hit.at < this.ttlMs) entries[key] = { at: hit.at, value: hit.value };
    await mkdir(dirname(file), { recursive: true, mode: 0o700 });
    const tmp = `${file}.${randomBytes(6).toString('hex')}.tmp`;
    try {
      await writeFile(tmp, JSON.stringify({ version: 1, entries } satisfies FileShape), { mode: 0o600, flag: 'wx' });
      await rename(tmp, file);
    } catch (err) {
      await rm(tmp, { force: true }).catch(() => undefined);
      throw err;
    }
  }
}

/** $XDG_CACHE_HOME/guestctl/NAME, else ~/.cache/guestctl/NAME (XDG: a relative value is ignored). */
export function cacheFile(name: string, env: NodeJS.ProcessEnv = process.env): string {
  const xdg = env.XDG_CACHE_HOME;
  const base = xdg && isAbsolute(xdg) ? xdg : join(env.HOME && isAbsolute(env.HOME) ? env.HOME : homedir(), '.cache');
  return join(base, 'guestctl', name);
}
