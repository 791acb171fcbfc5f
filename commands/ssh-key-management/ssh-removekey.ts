import type { Output } from '../../src/shell/output.js';
import { defineCommand } from '../../src/shell/command.js';
import { applyChanges, diffOf, type FileChange } from '../../src/guest/file-changes.js';
import { authorizedKeys, parseKeySelector, removeLines, selectKeys } from '../../src/parsers/authorized-keys.js';
import { CliError } from '../../src/util/errors.js';
import { checkKeyPaths, KEYS_DRY_RUN, keyPaths } from './_shared/ssh-home.js';
import { keyRow, noteInvalid, readAuthorizedKeys } from './_shared/authorized-keys-file.js';
import { DRY_RUN } from '../../src/shell/dry-run.js';
import { guestUser } from '../../src/users/guest-user.js';

export const sshRemovekey = defineCommand({
  name: 'ssh-removekey',
  category: 'ssh-key-management',
  summary: "Remove a key from a user's ~/.ssh/authorized_keys by index, SHA256 fingerprint or comment",
  description:
    'INDEX is the number ssh-listkeys shows; SHA256:... removes every line holding that key (whatever its options); any other text is matched against the key comments exactly (several keys with that comment need --all). Every other line stays byte for byte. Refuses when ~/.ssh or authorized_keys is a symbolic link.',
  examples: ['ssh-removekey root 2', 'ssh-removekey alice SHA256:BJx6uyfZRt35OAbXMehu6N7KpHavIvg32Cz3aQmfktY', 'ssh-removekey alice old@laptop --dry-run'],
  positionals: [
    { name: 'USER', description: 'user name (or uid) in the guest' },
    { name: 'KEY', description: 'INDEX, SHA256:FINGERPRINT or COMMENT' },
  ],
  options: { ...KEYS_DRY_RUN, all: { type: 'boolean', description: 'remove every key with that comment' } },
  needs: ['fs'],
  mutates: true,
  async run(ctx, args) {
    const guest = ctx.guest;
    const user = await guestUser(guest, args.str('USER'));
    const paths = keyPaths(user);
    const st = await checkKeyPaths(guest, paths);
    if (!st.file) throw new CliError('not-found', `${user.name} has no ${paths.file}`);
    const { text, lines } = await readAuthorizedKeys(guest, paths);
    noteInvalid(ctx.out, paths.file, lines);
    const keys = authorizedKeys(lines);
    const selector = parseKeySelector(args.str('KEY'));
    const chosen = selectKeys(keys, selector);
    if (chosen.length === 0) {
      const what = selector.by === 'index' ? `no key ${selector.index} (${keys.length} key${keys.length === 1 ? '' : 's'})` : selector.by === 'fingerprint' ? `no key ${selector.fingerprint}` : `no key with the comment ${JSON.stringify(selector.comment)}`;
      throw new CliError('not-found', `${what} in ${paths.file}`);
    }
    if (selector.by === 'comment' && chosen.length > 1 && !args.flag('all')) {
      const list = chosen.map((k) => `${keys.indexOf(k) + 1} (${k.fingerprint})`).join(', ');
      throw new CliError('usage', `${chosen.length} keys have the comment ${JSON.stringify(selector.comment)}: keys ${list}; give an index or a fingerprint, or --all`);
    }
    const rows = chosen.map((k) => keyRow(k, keys.indexOf(k) + 1));
    const change: FileChange = { path: paths.file, before: text, after: removeLines(text!, chosen.map((k) => k.line)) };
    if (args.flag(DRY_RUN)) {
      return { user: user.name, file: paths.file, removed: rows, dryRun: true, diff: diffOf([change]) };
    }
    await applyChanges(guest, [change]);
    return { user: user.name, file: paths.file, removed: rows, dryRun: false };
  },
  render(r: { file: string; removed: ReturnType<typeof keyRow>[]; dryRun: boolean; diff?: string }, out: Output) {
    if (r.dryRun) out.write(r.diff ?? '');
    else for (const k of r.removed) out.line(`removed key ${k.index} from ${r.file}: ${k.label} ${k.bits} ${k.fingerprint} ${k.comment}`.trimEnd());
  },
});
