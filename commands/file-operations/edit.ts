import { defineCommand } from '../../src/shell/command.js';
import { editGuestFile } from '../../src/host-editor/edit-guest-file.js';
import { DRY_RUN, dryRunOption } from '../../src/shell/dry-run.js';

// Edit a guest file with a host editor. The flow (host copy, editor, SHA-256 before/after,
// diff, confirmation, atomic write back) lives in src/host-editor/edit-guest-file.ts, shared with
// `guestctl edit --domain NAME PATH`.

export const edit = defineCommand({
  name: 'edit',
  category: 'file-operations',
  summary: 'Edit a guest file with your editor ($VISUAL, $EDITOR, nano or vi)',
  description: [
    'The file is copied to a private host temp directory (mode 0700, same base name so the editor picks the',
    'syntax), the editor runs on it, and if the content changed the unified diff is shown and, on a terminal,',
    'confirmed before the file is written back atomically, keeping its owner, mode and extended attributes.',
    'Nothing is written when the content is unchanged or the editor fails, nor when the guest file changed',
    'meanwhile (a running VM): then your version is kept on the host and its path is shown. A missing file is',
    'created (root:root 0644) if you save something. --backup keeps the previous version as PATH.bak in the guest.',
    'Bytes are kept as they are (CRLF line endings included). EDITOR may carry arguments (e.g. "code -w").',
  ].join('\n'),
  examples: ['edit /etc/fstab', 'edit /etc/ssh/sshd_config --backup', 'edit /etc/motd', 'edit /etc/fstab --dry-run'],
  positionals: [{ name: 'PATH', complete: 'guest-path', description: 'a guest file (created if missing)' }],
  options: {
    backup: { type: 'boolean', short: 'b', description: 'keep the previous version as PATH.bak' },
    ...dryRunOption('run the editor, show the diff of what you changed and write nothing'),
  },
  needs: ['fs'],
  mutates: true,
  usesTerminal: true,
  async run(ctx, args) {
    return editGuestFile(ctx.guest.fs, ctx.guestPath(args.str('PATH')), { out: ctx.out, prompt: ctx.prompt, json: ctx.json, backup: args.flag('backup'), env: ctx.env, dryRun: args.flag(DRY_RUN) });
  },
});
