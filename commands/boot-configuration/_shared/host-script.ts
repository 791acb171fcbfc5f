import { constants, promises as fsp } from 'node:fs';
import { basename, resolve } from 'node:path';
import { CliError, describeError } from '../../../src/util/errors.js';

const MAX_SCRIPT = 16 * 1024 * 1024;

/**
 * A script file from the HOST, read through one descriptor: opened non-blocking (a FIFO does
 * not hang the session), checked to be a regular file of sane size on that descriptor, then read.
 */
export async function readHostScript(hostArg: string, signal: AbortSignal): Promise<{ path: string; label: string; content: Buffer }> {
  const path = resolve(hostArg);
  const fh = await fsp.open(path, constants.O_RDONLY | constants.O_NONBLOCK).catch((err: unknown) => {
    throw new CliError((err as NodeJS.ErrnoException).code === 'ENOENT' ? 'not-found' : 'failed', `firstboot: cannot open the host file ${hostArg}: ${describeError(err)}`);
  });
  try {
    const st = await fh.stat();
    if (!st.isFile()) throw new CliError('usage', `firstboot: ${hostArg} is not a regular file on the host`);
    if (st.size > MAX_SCRIPT) throw new CliError('usage', `firstboot: ${hostArg} is too large for a first-boot script (${st.size} bytes, at most 16 MiB)`);
    const content = await fh.readFile({ signal });
    return { path, label: basename(path), content };
  } finally {
    await fh.close();
  }
}
