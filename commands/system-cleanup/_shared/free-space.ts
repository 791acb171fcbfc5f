// Bytes freed, as the filesystems themselves count them: the guest's own `df` (statfs of each
// filesystem, in the jail or through the agent) before and after the work.
import type { CommandContext } from '../../../src/shell/command.js';
import { CliError } from '../../../src/util/errors.js';

export interface FilesystemFree {
  /** Guest mount point. */
  mountpoint: string;
  /** Bytes available to unprivileged users before and after. */
  before: number;
  after: number;
}

export interface Measured<T> {
  result: T;
  filesystems: FilesystemFree[];
  /** Sum of after - before over the filesystems involved (negative when they filled up). */
  freedBytes: number | null;
}

/** Free bytes of the filesystems holding `paths` (existing guest paths), by mount point. */
export async function freeBytes(ctx: CommandContext, paths: string[]): Promise<Map<string, number> | null> {
  const r = await ctx.guest.exec(['df', '-B1', '--output=target,avail', '--', ...paths], { env: { LC_ALL: 'C' }, signal: ctx.signal });
  if (r.code === 127) return null;
  if (r.code !== 0) throw new CliError('failed', `measuring free space with the guest's df failed: ${r.stderr.trim().split('\n')[0] || `exit status ${r.code}`}`);
  return parseDfAvail(r.stdout);
}

/** `df --output=target,avail` text: mount point → available bytes (one row per filesystem). */
export function parseDfAvail(text: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of text.split('\n').slice(1)) {
    const m = /^(.*\S)\s+(\d+)\s*$/.exec(line);
    if (m) out.set(m[1]!, Number(m[2]));
  }
  return out;
}

/** Run `work` between two measurements of the filesystems holding `paths`. */
export async function measureFreed<T>(ctx: CommandContext, paths: string[], work: () => Promise<T>): Promise<Measured<T>> {
  const existing: string[] = [];
  for (const p of paths) if (await ctx.guest.fs.exists(p)) existing.push(p);
  if (existing.length === 0) return { result: await work(), filesystems: [], freedBytes: 0 };
  const before = await freeBytes(ctx, existing).catch((err: unknown) => (err instanceof CliError && err.code === 'not-found' ? null : Promise.reject(err)));
  if (!before) {
    ctx.out.note('the guest has no df: the bytes freed are not measured');
    return { result: await work(), filesystems: [], freedBytes: null };
  }
  const result = await work();
  const after = (await freeBytes(ctx, [...before.keys()])) ?? new Map<string, number>();
  const filesystems = [...before].map(([mountpoint, b]) => ({ mountpoint, before: b, after: after.get(mountpoint) ?? b }));
  return { result, filesystems, freedBytes: filesystems.reduce((n, f) => n + f.after - f.before, 0) };
}
