import { constants, promises as fsp } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { dirname, basename, join } from 'node:path';
import { CliError } from '../../../src/util/errors.js';

// A new host file, written whole or not at all: a private temp file (O_EXCL|O_NOFOLLOW, 0600)
// next to it, then linked to the name (fails if it exists: no clobbering, even racing another
// writer) or, with `replace`, renamed over it.

export async function writeHostFile(path: string, text: string, replace: boolean): Promise<void> {
  const tmp = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
  const fh = await fsp.open(tmp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, 0o600).catch((err: Error) => {
    throw new CliError('failed', `writing ${path}: creating the temp file: ${err.message}`);
  });
  try {
    try {
      await fh.writeFile(text);
      await fh.sync();
    } finally {
      await fh.close();
    }
    if (replace) await fsp.rename(tmp, path);
    else await fsp.link(tmp, path);
  } catch (err) {
    await fsp.rm(tmp, { force: true });
    const e = err as NodeJS.ErrnoException;
    if (e.code === 'EEXIST') throw new CliError('exists', `${path} exists: give --force to replace it`);
    throw new CliError('failed', `writing ${path}: ${e.message}`);
  }
  if (!replace) await fsp.rm(tmp);
}
