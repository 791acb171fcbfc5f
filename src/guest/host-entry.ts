import type { FileType } from './types.js';
import { guestPathError } from '../util/errors.js';

// What the host filesystem says about a guest root that is a host directory, put the way the
// guest sees it: file types, and errors that name the guest path (never the host path of the root).

/** A node:fs Dirent or Stats. */
export interface HostEntryKind {
  isFile(): boolean;
  isDirectory(): boolean;
  isSymbolicLink(): boolean;
  isBlockDevice(): boolean;
  isCharacterDevice(): boolean;
  isFIFO(): boolean;
  isSocket(): boolean;
}

export function hostFileType(e: HostEntryKind): FileType {
  if (e.isFile()) return 'file';
  if (e.isDirectory()) return 'directory';
  if (e.isSymbolicLink()) return 'symlink';
  if (e.isBlockDevice()) return 'block';
  if (e.isCharacterDevice()) return 'char';
  if (e.isFIFO()) return 'fifo';
  if (e.isSocket()) return 'socket';
  return 'unknown';
}

/** A host error with the guest path; ELOOP from an O_NOFOLLOW open means a symlink was swapped in. */
export function toGuestError(err: unknown, guestPath: string): unknown {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'ELOOP') return guestPathError('ELOOP', guestPath, 'refused: the path changed into a symlink');
  if (typeof code === 'string' && !(err as { guestPathError?: boolean }).guestPathError) return guestPathError(code, guestPath);
  return err;
}
