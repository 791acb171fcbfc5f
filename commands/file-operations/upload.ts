import { promises as fsp } from 'node:fs';
import { basename, resolve } from 'node:path';
import { posix } from 'node:path';
import { defineCommand } from '../../src/shell/command.js';
import { CliError } from '../../src/util/errors.js';
import { formatBytes } from '../../src/util/format.js';

// Host → guest. The host file is read whole (GuestFs.writeFile takes the content in one
// piece so it can write it atomically), hence the size limit.

const MAX_UPLOAD = 2 * 1024 ** 3 - 1;

export const upload = defineCommand({
  name: 'upload',
  category: 'file-operations',
  summary: 'Copy a host file into the guest (atomically)',
  description:
    'GUEST_PATH may be an existing guest directory: the file keeps its host name there. The guest file is written to a temp file in its directory and renamed into place. A file that already exists keeps its owner, group, mode and extended attributes; a new one is created root:root 0644. Guest symlinks are resolved inside the guest. Files up to 2 GiB.',
  examples: ['upload ./authorized_keys /root/.ssh/authorized_keys', 'upload motd.txt /etc/motd', 'upload ./app.conf /etc/'],
  positionals: [
    { name: 'HOST_PATH', complete: 'host-path', description: 'a regular file on the host' },
    { name: 'GUEST_PATH', complete: 'guest-path', description: 'guest file or existing guest directory' },
  ],
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

    const data = await fsp.readFile(hostPath);
    await fs.writeFile(guestPath, data, { mode: 0o644, uid: 0, gid: 0, onNote: (t) => ctx.out.note(t) });
    ctx.out.line(`uploaded ${hostArg} to ${guestPath} (${data.length} bytes)`);
    return { hostPath, guestPath, size: data.length };
  },
});
