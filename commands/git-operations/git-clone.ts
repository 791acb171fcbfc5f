import type { GuestFs } from '../../src/guest/types.js';
import type { Output } from '../../src/shell/output.js';
import { defineCommand } from '../../src/shell/command.js';
import { escapeForTerminal } from '../../src/shell/escape.js';
import { DRY_RUN, dryRunOption } from '../../src/shell/dry-run.js';
import { CliError } from '../../src/util/errors.js';
import { parseCount, parseSeconds } from '../../src/util/option-values.js';
import { checkBranchName, checkRepositoryUrl } from './_shared/git-url.js';
import { guestGit, guestHead, ownerByName, ownerLabel, runGuestGit, type Owner } from './_shared/guest-git.js';
import { cloneWithHostGit } from './_shared/host-clone.js';
import { emptyOrAbsent } from './_shared/target-dir.js';

export interface CloneResult {
  url: string;
  dir: string;
  owner: string;
  uid: number;
  gid: number;
  /** Whose git cloned: the guest's (in the jail / through the agent) or the host's (then copied in). */
  via: 'guest' | 'host';
  branch: string | null;
  depth: number | null;
  /** The checked-out commit; null on a dry run. */
  commit: string | null;
  dryRun: boolean;
}

export const gitClone = defineCommand({
  name: 'git-clone',
  category: 'git-operations',
  summary: "Clone a repository into a guest directory with the guest's own git, as the owning user",
  description:
    "Offline the guest's git runs in the jail with network, as --owner (default root) through the guest's setpriv, so every file is the " +
    "user's and git's ownership check is satisfied; live it runs through the agent. A guest without git: the host's git clones into a private " +
    'temp directory and the tree (.git included) is copied in, owned by --owner (a note says so). GUEST_DIR must not exist or be an empty ' +
    'directory; missing parents are created (root, 0755). A URL carrying a password or token is refused: credentials never go on the command ' +
    "line; use a credential helper or an SSH agent (for the guest's git: the guest user's own configuration; SSH agents are not forwarded into the jail). " +
    'Submodules are not cloned.',
  examples: ['git-clone https://github.com/example/app.git /srv/app', 'git-clone https://example.org/site.git /var/www/site --owner www-data --branch stable --depth 1', 'git-clone git://10.0.0.5/repo /opt/repo --dry-run'],
  positionals: [
    { name: 'URL', description: 'the repository (https, ssh, git, or a path in the guest)', complete: 'none' },
    { name: 'GUEST_DIR', description: 'the directory to clone into', complete: 'guest-path' },
  ],
  options: {
    branch: { type: 'string', valueName: 'B', description: 'check out this branch or tag' },
    owner: { type: 'string', valueName: 'USER', description: "the guest user who owns the clone and runs git (default root)" },
    depth: { type: 'string', valueName: 'N', description: 'a shallow clone with the last N commits' },
    timeout: { type: 'string', valueName: 'SECONDS', description: 'give git this long (default 600)' },
    ...dryRunOption('say what would be cloned, where, by whose git and as whom, and change nothing'),
  },
  needs: ['fs'],
  mutates: true,
  journal: { trees: (args, guestPath) => [guestPath(args.str('GUEST_DIR'))] },
  async run(ctx, args) {
    const url = args.str('URL');
    const kind = checkRepositoryUrl(url);
    const branch = args.optStr('branch') !== undefined ? checkBranchName(args.optStr('branch') ?? '') : null;
    const depthText = args.optStr('depth');
    const depth = depthText !== undefined ? parseCount(depthText, 1, '--depth') : null;
    const timeoutMs = parseSeconds(args.optStr('timeout'), 600, '--timeout', 24 * 3600) * 1000;
    const fs = ctx.guest.fs;
    const ownerArg = args.optStr('owner');
    const owner: Owner = ownerArg !== undefined ? await ownerByName(fs, ownerArg) : { uid: 0, gid: 0, name: 'root', home: '/root' };
    const dir = ctx.guestPath(args.str('GUEST_DIR'));
    const existed = await emptyOrAbsent(fs, dir);

    const git = ctx.guest.capabilities.has('exec') ? await guestGit(fs) : null;
    const via = git !== null ? 'guest' : 'host';
    if (via === 'host' && kind === 'local') throw new CliError('unsupported', `the guest has no git, and ${url} is a path in the guest: install git in the guest (install git) first`);
    const result: CloneResult = { url, dir, owner: ownerLabel(owner), uid: owner.uid, gid: owner.gid, via, branch, depth, commit: null, dryRun: args.flag(DRY_RUN) };
    if (result.dryRun) return result;

    await ctx.guest.prepareWrite?.();
    if (!existed) await fs.mkdir(dir, { parents: true, mode: 0o755 });
    const real = await fs.realpath(dir);
    result.dir = real;
    await fs.chown(real, owner.uid, owner.gid);
    try {
      if (git !== null) {
        const cloneArgs = ['-c', 'protocol.ext.allow=never', 'clone', '--quiet'];
        if (branch !== null) cloneArgs.push('--branch', branch);
        if (depth !== null) cloneArgs.push('--depth', String(depth));
        cloneArgs.push('--', url, '.');
        await runGuestGit(ctx, git, owner, cloneArgs, `git clone ${url}`, { cwd: real, network: kind === 'network', timeoutMs });
        result.commit = await guestHead(ctx, git, owner, real);
      } else {
        ctx.out.note(`the guest has no git: cloned with the host's git and copied into ${real} as ${ownerLabel(owner)}`);
        result.commit = (await cloneWithHostGit(ctx, { url, branch, depth }, real, owner)).commit;
      }
    } catch (err) {
      // Leave no half clone: the directory goes if this command made it, else only its content.
      await undoClone(fs, real, existed).catch((e: Error) => ctx.out.note(`removing the partial clone in ${real}: ${e.message}`));
      throw err;
    }
    return result;
  },
  render(r: CloneResult, out: Output) {
    const how = `${r.via === 'guest' ? "the guest's" : "the host's"} git, as ${r.owner} (${r.uid}:${r.gid})`;
    const text = r.dryRun
      ? `would clone ${r.url} into ${r.dir} with ${how}${r.branch ? `, branch ${r.branch}` : ''}${r.depth ? `, depth ${r.depth}` : ''}`
      : `cloned ${r.url} into ${r.dir} at ${r.commit ?? '?'} with ${how}`;
    out.line(escapeForTerminal(text));
  },
});

async function undoClone(fs: GuestFs, dir: string, existed: boolean): Promise<void> {
  if (!existed) return fs.remove(dir, { recursive: true });
  for (const e of await fs.list(dir)) await fs.remove(`${dir}/${e.name}`, { recursive: true });
}
