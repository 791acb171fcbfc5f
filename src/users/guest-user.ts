import type { Guest } from '../guest/types.js';
import { readOptional } from '../guest/file-changes.js';
import { findUser, parsePasswd, type PasswdUser } from '../parsers/passwd.js';
import { CliError } from '../util/errors.js';

/** A user (by name or UID) from the guest's own /etc/passwd; fails naming what is missing. */
export async function guestUser(guest: Guest, name: string): Promise<PasswdUser> {
  const text = await readOptional(guest, '/etc/passwd');
  if (text === null) throw new CliError('not-found', "the guest has no /etc/passwd");
  const user = findUser(parsePasswd(text), name);
  if (!user) throw new CliError('not-found', `no user '${name}' in the guest's /etc/passwd`);
  return user;
}
