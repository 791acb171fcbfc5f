import type { Output } from '../../src/shell/output.js';
import { defineCommand } from '../../src/shell/command.js';
import { escapeForTerminal } from '../../src/shell/escape.js';
import { DRY_RUN, dryRunOption } from '../../src/shell/dry-run.js';
import { CliError } from '../../src/util/errors.js';
import { lstatOrNull } from '../../src/guest/stat-or-null.js';
import { parseSeconds } from '../../src/util/option-values.js';
import { guestGit, guestHead, ownerById, ownerLabel, runGuestGit } from './_shared/guest-git.js';

export interface PullResult {
  dir: string;
  owner: string;
  uid: number;
  /** HEAD before and after; `after` is null on a dry run. */
  before: string;
  after: string | null;
  updated: boolean;
  dryRun: boolean;
}

export const gitPull = defineCommand({
  name: 'git-pull',
  category: 'git-operations',
  summary: "Fast-forward a guest work tree from its upstream with the guest's own git, as the tree's owner",
  description:
    "Runs git pull --ff-only with the guest's git, offline in the jail with network, live through the agent, as the user who owns the " +
    "work tree's .git directory (so new files are that user's and git's ownership check is satisfied). A branch that has diverged is not " +
    'merged: the pull fails and the tree is left as it was. Reports the commit before and after. Needs git in the guest (install git).',
  examples: ['git-pull /srv/app', 'git-pull /var/www/site --dry-run'],
  positionals: [{ name: 'GUEST_DIR', description: 'the work tree', complete: 'guest-path' }],
  options: {
    timeout: { type: 'string', valueName: 'SECONDS', description: 'give git this long (default 600)' },
    ...dryRunOption('say which commit the tree is at and as whom it would pull, and change nothing'),
  },
  needs: ['fs', 'exec'],
  mutates: true,
  journal: { trees: (args, guestPath) => [guestPath(args.str('GUEST_DIR'))] },
  async run(ctx, args) {
    const fs = ctx.guest.fs;
    const timeoutMs = parseSeconds(args.optStr('timeout'), 600, '--timeout', 24 * 3600) * 1000;
    const dir = await fs.realpath(ctx.guestPath(args.str('GUEST_DIR'))).catch((err: NodeJS.ErrnoException) => {
      throw new CliError('not-found', `no such guest directory: ${args.str('GUEST_DIR')} (${err.code ?? err.message})`);
    });
    const dotGit = await lstatOrNull(fs, `${dir}/.git`);
    if (dotGit?.type !== 'directory') throw new CliError('usage', `${dir} is not a git work tree (no .git directory)`);
    const git = await guestGit(fs);
    if (git === null) throw new CliError('missing-tool', "the guest has no git: install it first (install git)");
    const owner = await ownerById(fs, dotGit.uid, dotGit.gid);
    const before = await guestHead(ctx, git, owner, dir);
    const result: PullResult = { dir, owner: ownerLabel(owner), uid: owner.uid, before, after: null, updated: false, dryRun: args.flag(DRY_RUN) };
    if (result.dryRun) return result;
    await ctx.guest.prepareWrite?.();
    await runGuestGit(ctx, git, owner, ['-c', 'protocol.ext.allow=never', 'pull', '--ff-only', '--quiet'], `git pull in ${dir}`, { cwd: dir, network: true, timeoutMs });
    result.after = await guestHead(ctx, git, owner, dir);
    result.updated = result.after !== before;
    return result;
  },
  render(r: PullResult, out: Output) {
    const who = `as ${r.owner} (${r.uid})`;
    let text: string;
    if (r.dryRun) text = `would pull --ff-only in ${r.dir} ${who}; now at ${r.before}`;
    else if (r.updated) text = `pulled ${r.dir} ${who}: ${r.before}..${r.after ?? '?'}`;
    else text = `${r.dir} already up to date at ${r.before}`;
    out.line(escapeForTerminal(text));
  },
});
