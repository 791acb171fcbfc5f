import type { Guest } from '../../../src/guest/types.js';
import { decodeSelinuxXattr, encodeSelinuxXattr } from '../../../src/parsers/selinux-context.js';
import { CliError, describeError } from '../../../src/util/errors.js';

// The security.selinux xattr of a guest file itself (a symlink's own label, as lgetxattr),
// read and written through the guest fs: it works offline on a host without SELinux, where
// the kernel keeps the label as plain bytes.

export const SELINUX_XATTR = 'security.selinux';

export async function readLabel(guest: Guest, path: string): Promise<string | null> {
  const get = guest.fs.getXattr?.bind(guest.fs);
  if (!get) throw new CliError('unsupported', `reading the SELinux label of ${path}: this guest's file access cannot read extended attributes (open the disk image instead)`);
  try {
    const value = await get(path, SELINUX_XATTR);
    return value === null ? null : decodeSelinuxXattr(value);
  } catch (err) {
    throw new CliError('failed', `reading the SELinux label of ${path}: ${describeError(err)}`, { cause: err });
  }
}

export async function writeLabel(guest: Guest, path: string, context: string): Promise<void> {
  const set = guest.fs.setXattr?.bind(guest.fs);
  if (!set) throw new CliError('unsupported', `setting the SELinux label of ${path}: this guest's file access cannot write extended attributes (open the disk image instead)`);
  try {
    await set(path, SELINUX_XATTR, encodeSelinuxXattr(context));
  } catch (err) {
    throw new CliError('failed', `setting the SELinux label of ${path}: ${describeError(err)}`, { cause: err });
  }
}
