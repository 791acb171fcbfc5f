import { defineCommand } from '../../src/shell/command.js';
import type { Guest } from '../../src/guest/types.js';
import type { Output } from '../../src/shell/output.js';
import { readOptional } from '../../src/guest/file-changes.js';
import { authorizedKeys, optionList, parseAuthorizedKeys, type AuthorizedKey, type AuthorizedLine } from '../../src/parsers/authorized-keys.js';
import { keyPaths, type KeyPaths } from './_shared/ssh-home.js';
import { guestUser } from '../../src/users/guest-user.js';
import { lstatOrNull } from '../../src/guest/stat-or-null.js';

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

export const sshListkeys = defineCommand({
  name: 'ssh-listkeys',
  category: 'ssh-key-management',
  summary: "List a user's authorized SSH keys: index, type, bits, SHA256 fingerprint (as ssh-keygen -lf prints it), comment, options",
  description:
    "Reads ~/.ssh/authorized_keys of USER (home from the guest's /etc/passwd). Lines sshd would ignore (bad keys, unknown types) are reported as notes; a missing or empty file is an empty list. The index is what ssh-removekey takes.",
  examples: ['ssh-listkeys root', 'ssh-listkeys alice'],
  positionals: [{ name: 'USER', description: 'user name (or uid) in the guest' }],
  needs: ['fs'],
  async run(ctx, args) {
    const user = await guestUser(ctx.guest, args.str('USER'));
    const paths = keyPaths(user);
    const dir = await lstatOrNull(ctx.guest.fs, paths.dir);
    if (dir?.type === 'symlink') ctx.out.note(`${paths.dir} is a symbolic link (to ${dir.symlinkTarget}), followed inside the guest; sshd may refuse keys behind it`);
    const { text, lines } = await readAuthorizedKeys(ctx.guest, paths);
    noteInvalid(ctx.out, paths.file, lines);
    const rows = authorizedKeys(lines).map((k, i) => keyRow(k, i + 1));
    if (!ctx.json) {
      if (rows.length === 0) ctx.out.line(text === null ? `no ${paths.file}: no keys` : `no keys in ${paths.file}`);
      else
        ctx.out.table(
          ['#', 'TYPE', 'BITS', 'FINGERPRINT', 'COMMENT', 'OPTIONS'],
          rows.map((r) => [r.index, r.label, r.bits, r.fingerprint, r.comment || '(none)', r.options.join(',') || '']),
          { rightAlign: [0, 2] },
        );
    }
    return rows;
  },
});
