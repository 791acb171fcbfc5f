import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { GuestFs } from '../guest/types.js';
import { CliError, describeError } from '../util/errors.js';

// hivex runs on the HOST, so it must never be handed a guest path: a hive that is a symlink (or
// sits under one) could point it at a host file. The hive is read through the guest fs instead,
// which resolves symlinks inside the guest root and opens the result with O_NOFOLLOW, and the
// bytes go to a private file (0600 in a 0700 temp dir) that hivex then reads. A copy is simpler
// than passing /proc/self/fd/N of our own fd to a child, and hives are small (tens of MiB).

export const MAX_HIVE_BYTES = 512 * 1024 * 1024;

export interface HiveCopy {
  file: string;
  dispose(): Promise<void>;
}

export async function privateHiveCopy(fs: GuestFs, guestPath: string): Promise<HiveCopy> {
  // A hive that is a link to a path the guest lacks (e.g. /etc/shadow on Windows) is a note, not a failed open.
  const unreadable = (err: unknown): never => {
    throw new CliError('failed', `registry hive ${guestPath}: ${describeError(err)}`);
  };
  const st = await fs.stat(guestPath).catch(unreadable);
  if (st.type !== 'file') throw new CliError('failed', `registry hive ${guestPath} is not a regular file (${st.type})`);
  if (st.size > MAX_HIVE_BYTES) throw new CliError('failed', `registry hive ${guestPath} is ${st.size} bytes, more than the ${MAX_HIVE_BYTES} read`);
  const data = await fs.readFile(guestPath).catch(unreadable);
  const dir = await mkdtemp(join(tmpdir(), 'guestctl-hive-'));
  const file = join(dir, 'hive');
  try {
    await writeFile(file, data, { mode: 0o600, flag: 'wx' });
  } catch (err) {
    await rm(dir, { recursive: true, force: true });
    throw err;
  }
  return { file, dispose: () => rm(dir, { recursive: true, force: true }) };
}
