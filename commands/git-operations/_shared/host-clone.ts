import { promises as fsp } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, posix } from 'node:path';
import type { CommandContext } from '../../../src/shell/command.js';
import { CliError } from '../../../src/util/errors.js';
import { mustRunTool } from '../../../src/util/run-tool.js';
import type { Owner } from './guest-git.js';

// A guest without git: the host's git clones into a private temp directory (0700, removed
// afterwards) and the tree, .git included, is copied into the guest through GuestFs: each file
// written atomically with the owner's ids, paths resolved inside the guest (a symlink of the
// guest never leads a write to the host). The host's git runs with the host user's own
// configuration, so a credential helper or ssh-agent of the host's is used as usual.

export interface HostClone {
  commit: string;
  files: number;
}

export interface CloneSpec {
  url: string;
  branch: string | null;
  depth: number | null;
}

function hostGitEnv(ctx: CommandContext): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(ctx.env)) if (v !== undefined) env[k] = v;
  return { ...env, GIT_TERMINAL_PROMPT: '0', LC_ALL: 'C' };
}

export async function cloneWithHostGit(ctx: CommandContext, spec: CloneSpec, guestDir: string, owner: Owner): Promise<HostClone> {
  const tmp = await fsp.mkdtemp(join(tmpdir(), 'guestctl-git-'));
  try {
    const work = join(tmp, 'repo');
    const args = ['-c', 'protocol.file.allow=never', '-c', 'protocol.ext.allow=never', 'clone', '--quiet', '--no-hardlinks'];
    if (spec.branch !== null) args.push('--branch', spec.branch);
    if (spec.depth !== null) args.push('--depth', String(spec.depth));
    args.push('--', spec.url, work);
    const env = hostGitEnv(ctx);
    const progress = ctx.out.progress(`host git clone ${spec.url}`);
    try {
      await mustRunTool('host git clone', 'git', args, { env, extendEnv: false, cancelSignal: ctx.signal });
    } finally {
      progress.end();
    }
    const head = await mustRunTool('host git rev-parse HEAD', 'git', ['-C', work, 'rev-parse', '--verify', 'HEAD'], { env, extendEnv: false });
    const files = await copyTreeIn(ctx, work, guestDir, owner);
    return { commit: head.stdout.trim(), files };
  } finally {
    await fsp.rm(tmp, { recursive: true, force: true });
  }
}

/** Copy the host tree below `hostDir` into the existing guest directory `guestDir`, every entry owned by `owner`. */
async function copyTreeIn(ctx: CommandContext, hostDir: string, guestDir: string, owner: Owner): Promise<number> {
  const fs = ctx.guest.fs;
  let files = 0;
  const walk = async (host: string, guest: string): Promise<void> => {
    for (const e of await fsp.readdir(host, { withFileTypes: true })) {
      ctx.signal.throwIfAborted();
      const h = join(host, e.name);
      const g = posix.join(guest, e.name);
      const st = await fsp.lstat(h);
      if (e.isDirectory()) {
        await fs.mkdir(g, { mode: st.mode & 0o777 });
        await fs.chown(g, owner.uid, owner.gid);
        await walk(h, g);
      } else if (e.isFile()) {
        await fs.writeFile(g, await fsp.readFile(h), { mode: st.mode & 0o777, uid: owner.uid, gid: owner.gid });
        files++;
      } else if (e.isSymbolicLink()) {
        await fs.symlink(await fsp.readlink(h), g);
        await fs.chown(g, owner.uid, owner.gid);
      } else {
        throw new CliError('failed', `copying the clone into the guest: ${posix.join(guest, e.name)} is neither a file, a directory nor a symlink`);
      }
    }
  };
  await walk(hostDir, guestDir);
  return files;
}
