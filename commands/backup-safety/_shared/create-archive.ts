import { constants as C, createReadStream, promises as fsp } from 'node:fs';
import { createHash, randomBytes } from 'node:crypto';
import { basename, dirname, join } from 'node:path';
import { posix } from 'node:path';
import type { CommandContext } from '../../../src/shell/command.js';
import { resolveGuestPath } from '../../../src/guest/resolve.js';
import { execa } from 'execa';
import { missingToolError } from '../../../src/util/run-tool.js';
import { CliError } from '../../../src/util/errors.js';
import { tarFlag, type Compression } from '../../../src/archive/compression.js';

// One tar run per backup. On an image the host's GNU tar reads the mounted guest tree: every
// PATH is resolved inside the guest root first (so no component of it is a symlink), tar is
// given relative member names below the root and never dereferences a symlink (no -h). On a
// live guest the guest's own tar does the same through the agent.

export const GUEST_STORE = '/var/backups/guestctl';

// Pseudo filesystems of a running guest: their contents are never archived.
export const PSEUDO = ['proc', 'sys', 'dev', 'run'];

export interface CreateSpec {
  members: string[];
  compression: Compression;
  excludes: string[];
  /** Leave the in-guest store out of the archive. */
  skipStore: boolean;
  live: boolean;
}

export function createArgs(spec: CreateSpec): string[] {
  const anchored = [...(spec.live ? PSEUDO.map((d) => `${d}/*`) : []), ...(spec.skipStore ? [GUEST_STORE.slice(1)] : [])];
  return [
    '--create', '--format=posix', '--numeric-owner', '--xattrs', '--xattrs-include=*', '--acls', '--sparse',
    ...tarFlag(spec.compression),
    '--anchored', ...anchored.flatMap((p) => [`--exclude=${p}`, `--exclude=./${p}`]), '--no-anchored',
    ...spec.excludes.map((p) => `--exclude=${p}`),
  ];
}

/** -C applies to the names after it, so it comes before the list of members (NUL-separated on stdin). */
function membersFrom(dir: string): string[] {
  return [`--directory=${dir}`, '--null', '--verbatim-files-from', '--files-from=-'];
}

/** Guest paths → member names relative to the guest root ('.' for the root itself). */
export function memberNames(ctx: CommandContext, paths: string[]): string[] {
  return paths.map((p) => {
    const guestPath = ctx.guestPath(p);
    if (!ctx.guest.root) return guestPath === '/' ? '.' : posix.normalize(guestPath).slice(1);
    const r = resolveGuestPath(ctx.guest.root, guestPath, { followLast: false });
    if (r.kind === null) throw new CliError('not-found', `backup: no such guest path: ${guestPath}`);
    return r.guestPath === '/' ? '.' : r.guestPath.slice(1);
  });
}

function tarFailure(stderr: string): string {
  const lines = stderr.trim().split('\n').filter((l) => l && !/socket ignored$|Exiting with failure status|^tar: #\d+$/.test(l));
  return lines.length === 0 ? 'tar failed' : lines.length === 1 ? lines[0]! : `${lines[0]} (and ${lines.length - 1} more)`;
}

const RECORD = 10240; // GNU tar's default record: 20 blocks of 512 bytes
const CHECKPOINT = 100;

/**
 * The host's tar writes the archive of the mounted guest to a host file. With `onBytes`, tar
 * reports every CHECKPOINT records it has read (`#N` on stderr), i.e. archive bytes so far.
 */
export async function hostTar(ctx: CommandContext, spec: CreateSpec, hostFile: string, onBytes?: (bytes: number) => void): Promise<void> {
  const root = ctx.guest.root!;
  const checkpoints = onBytes ? [`--checkpoint=${CHECKPOINT}`, '--checkpoint-action=echo=#%u'] : [];
  // A new file, never through a link: the temp file may sit in a directory of the guest's.
  const out = await fsp.open(hostFile, C.O_WRONLY | C.O_CREAT | C.O_EXCL | C.O_NOFOLLOW, 0o600);
  let r;
  try {
    const child = execa('tar', [...createArgs(spec), ...checkpoints, '--file=-', ...membersFrom(root)], {
      input: spec.members.map((m) => `${m}\0`).join(''),
      stdout: out.fd as 3, // execa takes any open fd; its types only list 3-9
      cancelSignal: ctx.signal,
      reject: false,
      env: { LC_ALL: 'C' },
    });
    if (onBytes) child.stderr?.on('data', (d: Buffer) => {
      for (const m of d.toString().matchAll(/#(\d+)/g)) onBytes(Number(m[1]) * RECORD);
    });
    r = await child;
  } finally {
    await out.close();
  }
  if ((r as { cause?: NodeJS.ErrnoException }).cause?.code === 'ENOENT') throw missingToolError('tar');
  // Exit 1: "file changed as we read it" — only a live tree does that; an image is quiet.
  if (r.exitCode !== 0) throw new CliError('failed', `backup: tar: ${tarFailure(String(r.stderr))}`);
}

/** The guest's tar writes the archive to a guest file (live guests, or no host root). */
export async function guestTar(ctx: CommandContext, spec: CreateSpec, guestFile: string): Promise<void> {
  const r = await ctx.guest.exec(['tar', ...createArgs(spec), '--file', guestFile, ...membersFrom('/')], { stdin: spec.members.map((m) => `${m}\0`).join(''), signal: ctx.signal });
  if (r.code !== 0 && !(spec.live && r.code === 1)) throw new CliError('failed', `backup: the guest's tar: ${tarFailure(r.stderr)}`);
  if (r.code === 1) ctx.out.note(`the guest's tar: ${tarFailure(r.stderr)} (a file changed while it was read)`);
}

export function tempNameFor(file: string): string {
  return join(dirname(file), `.${basename(file)}.guestctl-${randomBytes(6).toString('hex')}`);
}

export async function sha256OfHostFile(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

export async function fsyncHostFile(file: string): Promise<void> {
  const fh = await fsp.open(file, C.O_RDONLY | C.O_NOFOLLOW);
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}

/** Copy a guest file to a new host file (O_EXCL), piece by piece when the backend can. */
export async function guestFileToHost(ctx: CommandContext, guestFile: string, hostFile: string): Promise<void> {
  const out = await fsp.open(hostFile, C.O_WRONLY | C.O_CREAT | C.O_EXCL | C.O_NOFOLLOW, 0o600);
  try {
    if (ctx.guest.fs.openReader) {
      const reader = await ctx.guest.fs.openReader(guestFile);
      try {
        for await (const chunk of reader.chunks(ctx.signal)) await out.write(chunk);
      } finally {
        await reader.close();
      }
    } else {
      await out.write(await ctx.guest.fs.readFile(guestFile));
    }
  } finally {
    await out.close();
  }
}
