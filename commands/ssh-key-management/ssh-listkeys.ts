import { defineCommand } from '../../src/shell/command.js';
import { authorizedKeys } from '../../src/parsers/authorized-keys.js';
import { keyPaths } from './_shared/ssh-home.js';
import { keyRow, noteInvalid, readAuthorizedKeys } from './_shared/authorized-keys-file.js';
import { guestUser } from '../../src/users/guest-user.js';
import { lstatOrNull } from '../../src/guest/stat-or-null.js';

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
