import { createReadStream, promises as fsp } from 'node:fs';
import { basename, resolve } from 'node:path';
import { posix } from 'node:path';
import { escapeForTerminal } from '../../src/shell/escape.js';
import { defineCommand, type Args } from '../../src/shell/command.js';
import type { Output } from '../../src/shell/output.js';
import { CliError } from '../../src/util/errors.js';
import { formatBytes } from '../../src/util/format.js';
import { statOrNull } from '../../src/guest/stat-or-null.js';
import { DRY_RUN, contentDiff, dryRunOption, dryRunPlan, isDryRunPlan, renderDryRun, type DryRunPlan } from '../../src/shell/dry-run.js';

// Host → guest. The host file is read whole (GuestFs.writeFile takes the content in one
// piece so it can write it atomically), hence the size limit.

const MAX_UPLOAD = 2 * 1024 ** 3 - 1;
const PROGRESS_MIN = 16 * 1024 * 1024;
/** --dry-run shows a diff only for files up to this size. */
const DIFF_MAX = 4 * 1024 * 1024;

/** The host file in one buffer, with progress on a terminal for a large one. */
async function readHostFile(path: string, size: number, out: Output, signal: AbortSignal): Promise<Buffer> {
  if (size <= PROGRESS_MIN) return fsp.readFile(path, { signal });
  const progress = out.progress(`reading ${path}`, { amount: size, text: formatBytes(size) });
  try {
    const chunks: Buffer[] = [];
    let done = 0;
    for await (const chunk of createReadStream(path, { signal })) {
      chunks.push(chunk as Buffer);
      done += (chunk as Buffer).length;
      progress.update(done);
    }
    return Buffer.concat(chunks, done);
  } finally {
    progress.end();
  }
}

export const upload = defineCommand({
  name: 'upload',
  category: 'file-operations',
  summary: 'Copy a host file into the guest (atomically)',
  description:
    'GUEST_PATH may be an existing guest directory: the file keeps its host name there. The guest file is written to a temp file in its directory and renamed into place. A file that already exists keeps its owner, group, mode and extended attributes; a new one is created root:root 0644. Guest symlinks are resolved inside the guest. Files up to 2 GiB.',
  examples: ['upload ./authorized_keys /root/.ssh/authorized_keys', 'upload motd.txt /etc/motd', 'upload ./app.conf /etc/', 'upload motd.txt /etc/motd --dry-run'],
  positionals: [
    { name: 'HOST_PATH', complete: 'host-path', hostPath: true, description: 'a regular file on the host' },
    { name: 'GUEST_PATH', complete: 'guest-path', description: 'guest file or existing guest directory' },
  ],
  options: { ...dryRunOption() },
  needs: ['fs'],
  mutates: true,
  async run(ctx, args) {
    const hostArg = args.str('HOST_PATH');
    const hostPath = resolve(hostArg);
    const st = await fsp.stat(hostPath).catch(() => {
      throw new CliError('not-found', `no such host file: ${hostArg}`);
    });
    if (st.isDirectory()) throw new CliError('usage', `${hostArg} is a directory on the host (upload copies one file)`);
    if (!st.isFile()) throw new CliError('usage', `${hostArg} is not a regular file on the host`);
    if (st.size > MAX_UPLOAD) throw new CliError('unsupported', `${hostArg} is ${formatBytes(st.size)}: upload handles files up to 2 GiB`);

    const fs = ctx.guest.fs;
    let guestPath = ctx.guestPath(args.str('GUEST_PATH'));
    const target = await fs.stat(guestPath).catch(() => null);
    if (target?.type === 'directory') guestPath = posix.join(target.path, basename(hostPath));
    else if (args.str('GUEST_PATH').endsWith('/')) throw new CliError('not-found', `no such guest directory: ${guestPath}`);

    const data = await readHostFile(hostPath, st.size, ctx.out, ctx.signal);
    if (args.flag(DRY_RUN)) {
      const there = await statOrNull(fs, guestPath);
      if (there && there.type !== 'file') throw new CliError('refused', `${there.path} is a ${there.type} in the guest, not a file`);
      const existing = there;
      const old = existing && existing.size <= DIFF_MAX && data.length <= DIFF_MAX ? await fs.readFile(guestPath) : null;
      const action = `${existing ? 'replace' : 'create'} ${guestPath} (${existing ? `${existing.size} -> ` : ''}${data.length} bytes)`;
      return dryRunPlan([action], existing && !old ? undefined : contentDiff(guestPath, old, data));
    }
    // One atomic write: no byte count to show while it runs, a spinner for a large file.
    const progress = data.length > PROGRESS_MIN ? ctx.out.progress(`uploading to ${guestPath}`) : null;
    try {
      await fs.writeFile(guestPath, data, { mode: 0o644, uid: 0, gid: 0, onNote: (t) => ctx.out.note(t) });
    } finally {
      progress?.end();
    }
    return { hostPath, guestPath, size: data.length };
  },
  render(r: { guestPath: string; size: number } | DryRunPlan, out: Output, args: Args) {
    if (isDryRunPlan(r)) return renderDryRun(r, out);
    out.line(escapeForTerminal(`uploaded ${args.str('HOST_PATH')} to ${r.guestPath} (${r.size} bytes)`));
  },
});
