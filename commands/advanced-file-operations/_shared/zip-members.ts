import { posix } from 'node:path';
import { crc32, inflateRawSync } from 'node:zlib';
import type { Guest } from '../../../src/guest/types.js';
import { lstatOrNull } from '../../../src/guest/stat-or-null.js';
import type { TarEntry } from '../../../src/parsers/tar-headers.js';
import { readZipDirectory, zipMemberData, type ZipEntry } from '../../../src/parsers/zip-directory.js';
import { TooLargeError } from '../../../src/archive/compression.js';
import { CliError } from '../../../src/util/errors.js';

// A zip is unpacked on the host, member by member, and written through GuestFs (no guest
// unzip needed, and none of unzip's wildcard matching of member names). Before anything is
// written every member is inflated once, with its output capped at its recorded size, so a
// member that lies about its size or CRC, or an archive beyond --max-size, stops everything.

export interface ZipMember {
  entry: ZipEntry;
  /** The member as the vetting sees it. */
  asTar: TarEntry;
  /** Why it cannot be extracted at all (encrypted, unknown method, a fifo), before vetting. */
  unsupported: string | null;
}

function inflate(zip: Buffer, e: ZipEntry): Buffer {
  const raw = zipMemberData(zip, e);
  let out: Buffer;
  if (e.method === 0) out = raw;
  else {
    try {
      out = inflateRawSync(raw, { maxOutputLength: Math.max(1, e.size + 1) });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') throw new CliError('failed', `extract: ${e.path} inflates beyond its recorded size ${e.size}: refused, nothing extracted`);
      throw new CliError('failed', `extract: inflating ${e.path}: ${(err as Error).message}`);
    }
  }
  if (out.length !== e.size) throw new CliError('failed', `extract: ${e.path} holds ${out.length} bytes, its header says ${e.size}: refused, nothing extracted`);
  if (crc32(out) !== e.crc32) throw new CliError('failed', `extract: ${e.path} fails its CRC check: refused, nothing extracted`);
  return out;
}

/** Every member, checked for size (total against maxSize) and integrity; symlink targets read. */
export function readZipMembers(zip: Buffer, what: string, maxSize: number): ZipMember[] {
  let entries: ZipEntry[];
  try {
    entries = readZipDirectory(zip);
  } catch (err) {
    throw new CliError('failed', `extract: reading ${what}: ${(err as Error).message}`);
  }
  const total = entries.reduce((s, e) => s + e.size, 0);
  if (total > maxSize) throw new TooLargeError(what, maxSize);
  return entries.map((entry) => {
    const unsupported = entry.encrypted ? 'encrypted member' : entry.method !== 0 && entry.method !== 8 ? `compression method ${entry.method} (only stored and deflate)` : entry.type === 'fifo' ? 'fifo (not created from a zip)' : null;
    let linkpath: string | null = null;
    if (!unsupported && (entry.type === 'file' || entry.type === 'symlink')) {
      const data = inflate(zip, entry);
      if (entry.type === 'symlink') linkpath = data.toString('utf8');
    }
    const asTar: TarEntry = { path: entry.path, type: entry.type, linkpath, mode: entry.mode ?? (entry.type === 'directory' ? 0o755 : 0o644), uid: 0, gid: 0, size: entry.size, mtime: 0, xattrs: [] };
    return { entry, asTar, unsupported };
  });
}

/** Write the accepted members under target (paths already vetted), owned by uid:gid. */
export async function writeZipMembers(guest: Guest, zip: Buffer, members: { member: ZipMember; guestPath: string }[], owner: { uid: number; gid: number }): Promise<void> {
  for (const { member, guestPath } of members) {
    const { entry, asTar } = member;
    const existing = await lstatOrNull(guest.fs, guestPath);
    if (asTar.type === 'directory') {
      if (existing?.type !== 'directory') await guest.fs.mkdir(guestPath, { parents: true, mode: asTar.mode });
      await guest.fs.chmod(guestPath, asTar.mode);
      await guest.fs.chown(guestPath, owner.uid, owner.gid);
      continue;
    }
    await guest.fs.mkdir(posix.dirname(guestPath), { parents: true });
    // As tar does: a file or link already there is replaced, never written through.
    if (existing && existing.type !== 'directory') await guest.fs.remove(guestPath);
    if (existing?.type === 'directory') throw new CliError('failed', `extract: ${guestPath} is a directory in the guest; ${entry.path} was not written`);
    if (asTar.type === 'symlink') {
      await guest.fs.symlink(asTar.linkpath!, guestPath);
      continue;
    }
    await guest.fs.writeFile(guestPath, inflate(zip, entry), { mode: asTar.mode, uid: owner.uid, gid: owner.gid });
    await guest.fs.chmod(guestPath, asTar.mode);
  }
}
