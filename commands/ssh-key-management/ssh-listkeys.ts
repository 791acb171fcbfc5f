import { defineCommand } from '../../src/shell/command.js';
import { authorizedKeys } from '../../src/parsers/authorized-keys.js';
import { keyPaths } from './_shared/ssh-home.js';
import { keyRow, noteInvalid, readAuthorizedKeys, type KeyRow } from './_shared/authorized-keys-file.js';
import type { Output } from '../../src/shell/output.js';
import { guestUser } from '../../src/users/guest-user.js';
import { lstatOrNull } from '../../src/guest/stat-or-null.js';

type KeyList = KeyRow[] & { file: string; fileExists: boolean };

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
    // JSON is the array of keys alone (named properties of an array are not serialised); the
    // file is there for the empty-list sentence.
    const list: KeyList = Object.assign(rows, { file: paths.file, fileExists: text !== null });
    return list;
  },
  render(rows: KeyList, out: Output) {
    if (rows.length === 0) out.line(rows.fileExists ? `no keys in ${rows.file}` : `no ${rows.file}: no keys`);
    else
      out.table(
        ['#', 'TYPE', 'BITS', 'FINGERPRINT', 'COMMENT', 'OPTIONS'],
        rows.map((r) => [r.index, r.label, r.bits, r.fingerprint, r.comment || '(none)', r.options.join(',') || '']),
        { rightAlign: [0, 2] },
      );
  },
});
