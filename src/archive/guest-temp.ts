import type { GuestFs } from '../guest/types.js';
import { isDir } from '../guest/stat-or-null.js';
import { CliError } from '../util/errors.js';

/** Where the guest's tar finds or leaves an archive for a moment: /var/tmp, else /tmp. */
export async function guestTempDir(fs: GuestFs): Promise<string> {
  for (const d of ['/var/tmp', '/tmp']) if (await isDir(fs, d)) return d;
  throw new CliError('failed', 'the guest has neither /var/tmp nor /tmp for a temporary archive');
}
