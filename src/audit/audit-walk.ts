import { walkGuest } from '../guest/walk.js';
import type { Guest, GuestStat } from '../guest/types.js';
import type { AuditedEntry } from './perm-findings.js';

// The audits' walk: walkGuest with lstat data (symlinks reported, never entered), skipping the
// kernel's pseudo filesystems and /run, which are not the guest's files.

const PSEUDO = new Set(['/proc', '/sys', '/dev', '/run']);

export interface AuditWalk {
  signal: AbortSignal;
  /** Unreadable directories and entries that vanished or could not be stat'ed. */
  onError(path: string, err: Error): void;
}

export async function* auditWalk(guest: Guest, start: string, opts: AuditWalk): AsyncGenerator<AuditedEntry> {
  const first = await guest.fs.lstat(start);
  const isRoot = first.type === 'directory' && first.path === '/';
  if (!isRoot) return yield* walkTop(guest, first, opts);
  yield { path: '/', type: first.type, mode: first.mode, uid: first.uid, gid: first.gid };
  for (const e of await guest.fs.list('/')) {
    if (!PSEUDO.has(`/${e.name}`)) yield* walkTop(guest, await guest.fs.lstat(`/${e.name}`), opts);
  }
}

/** A top that is not a directory (e.g. the /bin -> usr/bin link) is reported, never walked (walkGuest follows its start). */
async function* walkTop(guest: Guest, top: GuestStat, opts: AuditWalk): AsyncGenerator<AuditedEntry> {
  if (top.type !== 'directory') {
    yield { path: top.path, type: top.type, mode: top.mode, uid: top.uid, gid: top.gid };
    return;
  }
  for await (const e of walkGuest(guest, top.path, { stat: true, signal: opts.signal, onError: opts.onError })) {
    if (e.mode === undefined || e.uid === undefined || e.gid === undefined) throw new Error(`walk gave no mode for ${e.path}`);
    yield { path: e.path, type: e.type, mode: e.mode, uid: e.uid, gid: e.gid };
  }
}
