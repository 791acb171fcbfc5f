import { constants as C, promises as fsp } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { basename, dirname, join, resolve } from 'node:path';
import { posix } from 'node:path';
import { defineCommand } from '../../src/shell/command.js';
import type { Output } from '../../src/shell/output.js';
import { CliError } from '../../src/util/errors.js';
import { openGuestFile } from './_shared/guest-read.js';
import { formatBytes } from '../../src/util/format.js';

// Guest → host. The host side is the only host path this command touches: the
// destination directory, a temp file in it, and the final rename.

const PROGRESS_MIN = 16 * 1024 * 1024;

/** Where the file goes: into HOST_PATH when it is an existing directory, else HOST_PATH itself. */
async function hostTarget(hostArg: string, guestPath: string): Promise<string> {
  const abs = resolve(hostArg);
  const st = await fsp.stat(abs).catch(() => null);
  if (st?.isDirectory() || hostArg.endsWith('/')) {
    if (!st?.isDirectory()) throw new CliError('not-found', `no such host directory: ${hostArg}`);
    const name = posix.basename(guestPath);
    if (!name || name === '.' || name === '..') throw new CliError('usage', `cannot name the host file after ${guestPath}: give a file name`);
    return join(abs, name);
  }
  return abs;
}

/** Rename into place; without --force a hard link first, so a file that appeared meanwhile is never replaced. */
async function place(tmp: string, dest: string, force: boolean): Promise<void> {
  if (!force) {
    try {
      await fsp.link(tmp, dest);
      await fsp.unlink(tmp);
      return;
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'EEXIST') throw new CliError('exists', `${dest} already exists on the host: pass --force to replace it`);
      if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'EOPNOTSUPP' && code !== 'EMLINK') throw err;
      // No hard links on this host filesystem: fall back to the rename after a last look.
      if (await fsp.lstat(dest).catch(() => null)) throw new CliError('exists', `${dest} already exists on the host: pass --force to replace it`);
    }
  }
  await fsp.rename(tmp, dest);
}

export const download = defineCommand({
  name: 'download',
  category: 'file-operations',
  summary: 'Copy a guest file to the host',
  description:
    'HOST_PATH may be an existing host directory: the file keeps its guest name there. An existing host file is only replaced with --force (and a host directory never). The host file is written to a temp file next to it and renamed into place, with mode 0644 minus the umask. Guest symlinks are followed inside the guest.',
  examples: ['download /etc/fstab ./fstab', 'download /var/log/syslog /tmp/', 'download /etc/passwd passwd.txt --force'],
  positionals: [
    { name: 'GUEST_PATH', complete: 'guest-path', description: 'a regular file in the guest' },
    { name: 'HOST_PATH', complete: 'host-path', description: 'host file or existing host directory' },
  ],
  options: {
    force: { type: 'boolean', short: 'f', description: 'replace an existing host file' },
  },
  needs: ['fs'],
  async run(ctx, args) {
    const guestPath = ctx.guestPath(args.str('GUEST_PATH'));
    const reader = await openGuestFile(ctx.guest, guestPath);
    try {
      const dest = await hostTarget(args.str('HOST_PATH'), guestPath);
      const existing = await fsp.lstat(dest).catch(() => null);
      if (existing?.isDirectory()) throw new CliError('exists', `${dest} is a directory on the host`);
      if (existing && !args.flag('force')) throw new CliError('exists', `${dest} already exists on the host: pass --force to replace it`);
      const dir = dirname(dest);
      const tmp = join(dir, `.${basename(dest)}.guestctl-${randomBytes(6).toString('hex')}`);
      const out = await fsp.open(tmp, C.O_WRONLY | C.O_CREAT | C.O_EXCL | C.O_NOFOLLOW, 0o644).catch((err: NodeJS.ErrnoException) => {
        if (err.code === 'ENOENT') throw new CliError('not-found', `no such host directory: ${dir}`);
        throw err;
      });
      const progress = reader.size > PROGRESS_MIN ? ctx.out.progress(`downloading ${guestPath}`, { amount: reader.size, text: formatBytes(reader.size) }) : null;
      let done = 0;
      try {
        for await (const chunk of reader.chunks(ctx.signal)) {
          await out.write(chunk);
          done += chunk.length;
          progress?.update(done);
        }
        await out.sync();
        await out.close();
        await place(tmp, dest, args.flag('force'));
      } catch (err) {
        await out.close().catch(() => undefined);
        await fsp.unlink(tmp).catch(() => undefined);
        throw err;
      } finally {
        progress?.end();
      }
      return { guestPath, canonicalPath: reader.path, hostPath: dest, size: done };
    } finally {
      await reader.close();
    }
  },
  render(r: { guestPath: string; hostPath: string; size: number }, out: Output) {
    out.line(`downloaded ${r.guestPath} to ${r.hostPath} (${r.size} bytes)`);
  },
});
