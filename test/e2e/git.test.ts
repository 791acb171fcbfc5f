// git-clone / git-pull on copies of the Debian fixture, against a bare repository served by a
// `git daemon` this test starts on the host. The jail's network (slirp4netns) runs with
// --disable-host-loopback, so the host's 127.0.0.1 is out of the jail's reach by design: the
// daemon listens on the host's own non-loopback address, which slirp's NAT reaches like any
// other address. Every result is checked in a NEW session with the guest's own tools.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { networkInterfaces } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { leftovers, shell, tempDir } from '../helpers/cli.js';
import { workCopy } from '../helpers/fixtures.js';

const dir = tempDir('guestctl-git-');
const LONG = { timeout: 600_000 };
const PORT = 20000 + (process.pid % 20000);
const canary = '/tmp/guestctl-canary';
const hostTmpClone = `/tmp/guestctl-git-hostile-${process.pid}`;
let daemon: ChildProcess;
let url: string;
let upstream: string;
let withGit: string;
let withoutGit: string;

const hostAddress = (): string => {
  for (const list of Object.values(networkInterfaces())) {
    for (const a of list ?? []) if (a.family === 'IPv4' && !a.internal) return a.address;
  }
  throw new Error('no non-loopback IPv4 address on the host for the git daemon');
};

const git = (cwd: string, ...args: string[]) =>
  execFileSync('git', ['-c', 'user.name=Test', '-c', 'user.email=test@example.org', ...args], { cwd, encoding: 'utf8' }).trim();

/** One more commit upstream, pushed to the served bare repository; its id. */
function commitUpstream(file: string, text: string): string {
  writeFileSync(join(upstream, file), text);
  git(upstream, 'add', file);
  git(upstream, 'commit', '-q', '-m', `add ${file}`);
  git(upstream, 'push', '-q', 'origin', 'HEAD:main');
  return git(upstream, 'rev-parse', 'HEAD');
}

beforeAll(async () => {
  const served = join(dir.path, 'served');
  mkdirSync(served);
  git(served, 'init', '-q', '--bare', '--initial-branch=main', 'repo.git');
  upstream = join(dir.path, 'upstream');
  git(dir.path, 'clone', '-q', join(served, 'repo.git'), upstream);
  commitUpstream('README', 'first\n');
  const host = hostAddress();
  daemon = spawn('git', ['daemon', '--export-all', `--base-path=${served}`, `--listen=${host}`, `--port=${PORT}`, '--reuseaddr', served], { stdio: 'ignore' });
  url = `git://${host}:${PORT}/repo.git`;
  // Ready when the host's own git can list it.
  for (let i = 0; ; i++) {
    try {
      execFileSync('git', ['ls-remote', url], { stdio: 'ignore' });
      break;
    } catch (err) {
      if (i > 50) throw err;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  withGit = await workCopy('debian', dir.path);
  withoutGit = await workCopy('debian', dir.path);
  const r = await shell(withGit, ['install git', 'useradd alice']);
  expect(r.code, r.stderr).toBe(0);
  const r2 = await shell(withoutGit, ['useradd alice']);
  expect(r2.code, r2.stderr).toBe(0);
}, 900_000);

afterAll(() => {
  daemon?.kill('SIGTERM');
  expect(existsSync(hostTmpClone)).toBe(false);
  expect(existsSync(`${canary}/gitclone`)).toBe(false);
  expect(leftovers(dir.path)).toEqual([]);
  dir.cleanup();
});

/** uid:gid of every path under DIR, and the distinct pairs, by the guest's own find (read-only session). */
async function owners(img: string, guestDir: string): Promise<string[]> {
  const r = await shell(img, [`run find ${guestDir} -printf '%U:%G\\n'`], ['--ro']);
  expect(r.code, r.stderr).toBe(0);
  return [...new Set(r.stdout.trim().split('\n'))];
}

describe("git-clone and git-pull with the guest's git", () => {
  it('clones as alice: the files are hers, the guest git log shows the upstream head; a new upstream commit arrives with git-pull', LONG, async () => {
    const head = git(upstream, 'rev-parse', 'HEAD');
    const r = await shell(withGit, [`git-clone ${url} /srv/app --owner alice`], ['--json']);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ dir: '/srv/app', via: 'guest', owner: 'alice', uid: 1000, commit: head });
    expect(await owners(withGit, '/srv/app')).toEqual(['1000:1000']);

    const next = commitUpstream('NEWS', 'second\n');
    const p = await shell(withGit, ['git-pull /srv/app'], ['--json']);
    expect(p.code, p.stderr).toBe(0);
    expect(JSON.parse(p.stdout)).toMatchObject({ before: head, after: next, updated: true, owner: 'alice' });

    // The guest's own git, as alice, in a new process; and the new file is hers too.
    const log = await shell(withGit, ['run setpriv --reuid=1000 --regid=1000 --init-groups -- git -C /srv/app log --format=%H', 'run cat /srv/app/NEWS'], ['--ro']);
    expect(log.code, log.stderr).toBe(0);
    expect(log.stdout).toBe(`${next}\n${head}\nsecond\n`);
    expect(await owners(withGit, '/srv/app')).toEqual(['1000:1000']);

    const again = await shell(withGit, ['git-pull /srv/app']);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toBe(`/srv/app already up to date at ${next}\n`);
  });

  it('a URL with a password is refused before anything runs, and --dry-run changes nothing', LONG, async () => {
    const r = await shell(withGit, ['git-clone https://bob:secret@example.org/x.git /srv/x']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^error: the URL carries credentials: use a credential helper or an SSH agent/m);
    const d = await shell(withGit, [`git-clone ${url} /srv/dry --owner alice --dry-run`]);
    expect(d.code, d.stderr).toBe(0);
    expect(d.stdout).toMatch(/^would clone .* into \/srv\/dry with the guest's git, as alice \(1000:1000\)/);
    const ls = await shell(withGit, ['run test ! -e /srv/dry', 'run test ! -e /srv/x'], ['--ro']);
    expect(ls.code, ls.stderr).toBe(0);
  });
});

describe('git-clone into a guest without git (the host clones, the tree is copied in)', () => {
  it('copies the clone in owned by alice, with a note; the tree matches upstream', LONG, async () => {
    const head = git(upstream, 'rev-parse', 'HEAD');
    const r = await shell(withoutGit, [`git-clone ${url} /home/alice/app --owner alice`], ['--json']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/note: the guest has no git: cloned with the host's git and copied into \/home\/alice\/app as alice/);
    expect(JSON.parse(r.stdout)).toMatchObject({ via: 'host', commit: head });
    expect(await owners(withoutGit, '/home/alice/app')).toEqual(['1000:1000']);
    const c = await shell(withoutGit, ['run cat /home/alice/app/README /home/alice/app/.git/HEAD'], ['--ro']);
    expect(c.code, c.stderr).toBe(0);
    expect(c.stdout).toBe('first\nref: refs/heads/main\n');
    // git-pull needs the guest's git and says so.
    const p = await shell(withoutGit, ['git-pull /home/alice/app']);
    expect(p.code).toBe(1);
    expect(p.stderr).toMatch(/^error: the guest has no git: install it first \(install git\)$/m);
  });
});

describe('git-clone on the hostile image', () => {
  it('a GUEST_DIR through links to host paths is created inside the guest, never on the host', LONG, async () => {
    mkdirSync(canary, { recursive: true });
    const img = await workCopy('hostile', dir.path);
    const name = hostTmpClone.slice('/tmp/'.length);
    const r = await shell(img, [`git-clone ${url} /root/.ssh/${name}`, `git-clone ${url} /root/escape/tmp/guestctl-canary/gitclone`]);
    expect(r.code, r.stderr).toBe(0);
    expect(existsSync(hostTmpClone)).toBe(false);
    expect(existsSync(`${canary}/gitclone`)).toBe(false);
    const c = await shell(img, [`run cat /tmp/${name}/README /tmp/guestctl-canary/gitclone/README`], ['--ro']);
    expect(c.code, c.stderr).toBe(0);
    expect(c.stdout).toBe('first\nfirst\n');
  });
});
