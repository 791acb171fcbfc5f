import { randomBytes } from 'node:crypto';
import type { GuestFs } from '../../../src/guest/types.js';
import { isDir } from '../../../src/guest/stat-or-null.js';
import { CliError } from '../../../src/util/errors.js';

/** A fresh root-only directory in the guest's /var/tmp (else /tmp) for a dump on its way out. */
export async function makeScratchDir(fs: GuestFs): Promise<string> {
  for (const parent of ['/var/tmp', '/tmp']) {
    if (!(await isDir(fs, parent))) continue;
    const dir = `${parent}/guestctl-dump-${randomBytes(6).toString('hex')}`;
    await fs.mkdir(dir, { mode: 0o700 });
    return dir;
  }
  throw new CliError('failed', 'the guest has neither /var/tmp nor /tmp for the dump on its way out');
}
