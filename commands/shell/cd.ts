import { defineCommand } from '../../src/shell/command.js';
import { CliError } from '../../src/util/errors.js';

export const cd = defineCommand({
  name: 'cd',
  category: 'shell',
  summary: 'Change the current guest directory (symlinks resolve inside the guest)',
  examples: ['cd /etc', 'cd ..', 'cd'],
  positionals: [{ name: 'DIR', optional: true, complete: 'guest-dir', description: 'guest directory (default /)' }],
  async run(ctx, args) {
    const target = ctx.guestPath(args.optStr('DIR') ?? '/');
    const st = await ctx.guest.fs.stat(target);
    if (st.type !== 'directory') throw new CliError('usage', `not a directory: ${st.path}`);
    ctx.session.cwd = st.path;
    return { cwd: st.path };
  },
});
