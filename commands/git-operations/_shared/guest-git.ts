import type { CommandContext } from '../../../src/shell/command.js';
import type { ExecResult, GuestFs } from '../../../src/guest/types.js';
import { findUser, parsePasswd } from '../../../src/parsers/passwd.js';
import { CliError } from '../../../src/util/errors.js';

// The guest's own git, run as the user who owns the work tree: offline in the jail (which keeps
// CAP_SETUID/CAP_SETGID, so the guest's setpriv can switch to the user), live through the agent.
// Running as the owner is what keeps git's "dubious ownership" check quiet and every file it
// writes owned by that user, without a chown pass afterwards.

export interface Owner {
  uid: number;
  gid: number;
  /** The login name, or null for an id without a passwd entry. */
  name: string | null;
  home: string;
}

const GIT_PATHS = ['/usr/bin/git', '/bin/git', '/usr/local/bin/git'];
const SETPRIV_PATHS = ['/usr/bin/setpriv', '/bin/setpriv'];

async function firstProgram(fs: GuestFs, paths: string[]): Promise<string | null> {
  for (const p of paths) {
    const st = await fs.stat(p).catch((err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT' || err.code === 'ENOTDIR') return null;
      throw err;
    });
    if (st?.type === 'file') return p;
  }
  return null;
}

/** The guest's git, or null when it has none. */
export function guestGit(fs: GuestFs): Promise<string | null> {
  return firstProgram(fs, GIT_PATHS);
}

async function passwd(fs: GuestFs) {
  return parsePasswd((await fs.readFile('/etc/passwd')).toString('utf8'));
}

/** USER (a name or a uid) from the guest's /etc/passwd, with its primary group and home. */
export async function ownerByName(fs: GuestFs, user: string): Promise<Owner> {
  const u = findUser(await passwd(fs), user);
  if (!u) throw new CliError('not-found', `no user '${user}' in the guest's /etc/passwd`);
  return { uid: u.uid, gid: u.gid, name: u.name, home: u.home };
}

/** The owner of a path's uid/gid, named from the guest's /etc/passwd when it has an entry. */
export async function ownerById(fs: GuestFs, uid: number, gid: number): Promise<Owner> {
  const u = findUser(await passwd(fs), uid);
  return { uid, gid, name: u?.name ?? null, home: u?.home ?? '/' };
}

export function ownerLabel(o: Owner): string {
  return o.name ?? String(o.uid);
}

export interface GitRun {
  /** The guest directory git runs in. */
  cwd: string;
  network: boolean;
  timeoutMs: number;
}

/** Run `git ARGS` in the guest as `owner`; a non-zero exit is a CliError naming `step` and git's last line. */
export async function runGuestGit(ctx: CommandContext, git: string, owner: Owner, args: string[], step: string, run: GitRun): Promise<ExecResult> {
  let argv = [git, ...args];
  if (owner.uid !== 0) {
    const setpriv = await firstProgram(ctx.guest.fs, SETPRIV_PATHS);
    if (!setpriv) throw new CliError('unsupported', `${step}: the guest has no setpriv (util-linux) to run git as ${ownerLabel(owner)}`);
    const groups = owner.name !== null ? ['--init-groups'] : ['--clear-groups'];
    argv = [setpriv, `--reuid=${owner.uid}`, `--regid=${owner.gid}`, ...groups, '--', ...argv];
  }
  const progress = ctx.out.progress(step);
  let r: ExecResult;
  try {
    r = await ctx.guest.exec(argv, {
      cwd: run.cwd,
      network: run.network,
      // Never ask for a password on a terminal that is not there; git's config is the user's.
      env: { HOME: owner.home, GIT_TERMINAL_PROMPT: '0', GIT_ASKPASS: '/bin/false', SSH_ASKPASS: '/bin/false', LC_ALL: 'C' },
      signal: ctx.signal,
      timeoutMs: run.timeoutMs,
    });
  } finally {
    progress.end();
  }
  if (r.code !== 0) throw new CliError('failed', `${step} failed: ${lastLine(r.stderr) || lastLine(r.stdout) || `exit status ${r.code}`}`);
  return r;
}

function lastLine(text: string): string {
  return text.split('\n').map((l) => l.trim()).filter(Boolean).pop() ?? '';
}

/** The commit HEAD names, read by the guest's git as the owner. */
export async function guestHead(ctx: CommandContext, git: string, owner: Owner, dir: string): Promise<string> {
  const r = await runGuestGit(ctx, git, owner, ['rev-parse', '--verify', 'HEAD'], `git rev-parse HEAD in ${dir}`, { cwd: dir, network: false, timeoutMs: 60_000 });
  return r.stdout.trim();
}
