import type { GuestFs } from '../../../src/guest/types.js';
import { CliError } from '../../../src/util/errors.js';

/** As git clone: the target must not exist or be an empty directory. True when it exists. */
export async function emptyOrAbsent(fs: GuestFs, dir: string): Promise<boolean> {
  const st = await fs.stat(dir).catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') return null;
    throw err;
  });
  if (st === null) return false;
  if (st.type !== 'directory') throw new CliError('usage', `${dir} already exists and is not a directory`);
  if ((await fs.list(dir)).length > 0) throw new CliError('usage', `${dir} already exists and is not an empty directory`);
  return true;
}
