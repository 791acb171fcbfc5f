import type { Guest } from '../../../src/guest/types.js';
import type { Output } from '../../../src/shell/output.js';
import { readOptional } from '../../../src/guest/file-changes.js';
import { lstatOrNull } from '../../../src/guest/stat-or-null.js';
import { optionList, parseAuthorizedKeys, type AuthorizedKey, type AuthorizedLine } from '../../../src/parsers/authorized-keys.js';
import type { KeyPaths } from './ssh-home.js';

// A user's authorized_keys as the key commands read and list it.

export interface KeyRow {
  index: number;
  type: string;
  /** As ssh-keygen -l names it: ED25519, RSA, ECDSA, DSA, ED25519-SK, ECDSA-SK. */
  label: string;
  bits: number;
  fingerprint: string;
  comment: string;
  options: string[];
  line: number;
}

export function keyRow(k: AuthorizedKey, index: number): KeyRow {
  return { index, type: k.type, label: k.label, bits: k.bits, fingerprint: k.fingerprint, comment: k.comment, options: k.options ? optionList(k.options) : [], line: k.line };
}

/** The user's authorized_keys, parsed (null text: no file). Reading follows links inside the guest. */
export async function readAuthorizedKeys(guest: Guest, paths: KeyPaths): Promise<{ text: string | null; lines: AuthorizedLine[] }> {
  const st = await lstatOrNull(guest.fs, paths.dir);
  const text = st ? await readOptional(guest, paths.file) : null;
  return { text, lines: parseAuthorizedKeys(text ?? '') };
}

export function noteInvalid(out: Output, file: string, lines: AuthorizedLine[]): void {
  for (const l of lines) if (l.kind === 'invalid') out.note(`${file} line ${l.line}: ${l.error}; sshd ignores this line`);
}
