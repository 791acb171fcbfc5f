import { describe, expect, it } from 'vitest';
import { dir, fakeGuest, file } from '../../helpers/fake-guest.js';
import { checkRepositoryUrl } from '../../../commands/git-operations/_shared/git-url.js';
import { fails, json } from './_session.js';

// git-clone / git-pull on fake guests (the same code path as a live VM: exec through the agent,
// with setpriv as the owner). test/e2e/git.test.ts clones from a real git daemon in the jail.

const PASSWD = 'root:x:0:0:root:/root:/bin/bash\nalice:x:1000:1000::/home/alice:/bin/bash\n';
const HEAD1 = 'a'.repeat(40);
const HEAD2 = 'b'.repeat(40);

function withGit(kind: 'live' | 'image' = 'live') {
  let head = HEAD1;
  return fakeGuest({
    kind,
    files: { '/etc/passwd': PASSWD, '/usr/bin/git': file('', { mode: 0o755 }), '/usr/bin/setpriv': file('', { mode: 0o755 }), '/srv': dir(), '/home/alice': dir({ uid: 1000, gid: 1000 }) },
    exec: {
      setpriv: (argv, opts, g) => {
        const git = argv.slice(argv.indexOf('--') + 1);
        if (git.includes('rev-parse')) return { stdout: `${head}\n` };
        if (git.includes('pull')) head = HEAD2;
        if (git.includes('clone')) return g.fs.mkdir(`${opts.cwd}/.git`, { mode: 0o755 }).then(() => g.fs.chown(`${opts.cwd}/.git`, 1000, 1000)).then(() => ({}));
        return {};
      },
    },
  });
}

describe('repository URLs', () => {
  it.each([
    ['https://example.org/a.git', 'network'],
    ['ssh://git@example.org/a.git', 'network'],
    ['git@github.com:org/a.git', 'network'],
    ['git://10.0.0.1:9418/a', 'network'],
    ['/srv/repos/a.git', 'local'],
    ['file:///srv/a.git', 'local'],
  ])('%s is %s', (url, kind) => expect(checkRepositoryUrl(url)).toBe(kind));

  it.each([
    ['https://bob:secret@example.org/a.git', /carries credentials: use a credential helper or an SSH agent/],
    ['https://ghp_token@github.com/a.git', /carries credentials/],
    ['ssh://git:pw@example.org/a.git', /carries credentials/],
    ['ext::sh -c touch% /tmp/x', /not a repository URL/],
    ['ext::ssh', /remote helpers \(ext::\) are not accepted/],
    ['--upload-pack=touch /tmp/x', /not a repository URL/],
    ['gopher://example.org/a', /unsupported URL scheme/],
  ])('%s is refused', (url, why) => expect(() => checkRepositoryUrl(url)).toThrow(why));
});

describe('git-clone', () => {
  it("runs the guest's git through setpriv as the owner, in a directory it made and gave to the owner", async () => {
    const g = withGit();
    const r = await json(g, 'git-clone https://example.org/app.git /srv/app --owner alice --branch stable --depth 1');
    expect(r).toMatchObject({ dir: '/srv/app', via: 'guest', owner: 'alice', uid: 1000, gid: 1000, commit: HEAD1, branch: 'stable', depth: 1 });
    const clone = g.execCalls.find((c) => c.argv.includes('clone'))!;
    expect(clone.argv).toEqual(['/usr/bin/setpriv', '--reuid=1000', '--regid=1000', '--init-groups', '--', '/usr/bin/git', '-c', 'protocol.ext.allow=never', 'clone', '--quiet', '--branch', 'stable', '--depth', '1', '--', 'https://example.org/app.git', '.']);
    expect(clone.opts).toMatchObject({ cwd: '/srv/app', network: true, env: { HOME: '/home/alice', GIT_TERMINAL_PROMPT: '0' } });
    const st = await g.fs.stat('/srv/app');
    expect([st.uid, st.gid]).toEqual([1000, 1000]);
  });

  it('refuses a non-empty target, an unknown owner and a credential URL before running anything', async () => {
    const g = withGit();
    await g.fs.writeFile('/srv/full/x', 'x').catch(async () => {
      await g.fs.mkdir('/srv/full');
      await g.fs.writeFile('/srv/full/x', 'x');
    });
    expect(await fails(g, 'git-clone https://example.org/a.git /srv/full')).toMatch(/\/srv\/full already exists and is not an empty directory/);
    expect(await fails(g, 'git-clone https://example.org/a.git /srv/b --owner mallory')).toMatch(/no user 'mallory'/);
    expect(await fails(g, 'git-clone https://u:p@example.org/a.git /srv/b')).toMatch(/credential helper or an SSH agent/);
    expect(g.execCalls).toEqual([]);
  });

  it('--dry-run says what it would do and creates nothing', async () => {
    const g = withGit();
    expect(await json(g, 'git-clone https://example.org/a.git /srv/new --dry-run')).toMatchObject({ via: 'guest', owner: 'root', dryRun: true, commit: null });
    expect(await g.fs.exists('/srv/new')).toBe(false);
    expect(g.execCalls).toEqual([]);
  });

  it('a failed clone leaves no directory behind and names the step', async () => {
    const g = fakeGuest({ kind: 'live', files: { '/etc/passwd': PASSWD, '/usr/bin/git': file(''), '/srv': dir() }, exec: { git: { code: 128, stderr: "fatal: repository 'https://example.org/a.git/' not found\n" } } });
    expect(await fails(g, 'git-clone https://example.org/a.git /srv/a')).toMatch(/^error: git clone https:\/\/example.org\/a.git failed: fatal: repository .* not found$/);
    expect(await g.fs.exists('/srv/a')).toBe(false);
  });
});

describe('git-pull', () => {
  it("pulls --ff-only as the owner of .git and reports old..new", async () => {
    const g = withGit();
    await json(g, 'git-clone https://example.org/app.git /srv/app --owner alice');
    const r = await json(g, 'git-pull /srv/app');
    expect(r).toMatchObject({ dir: '/srv/app', owner: 'alice', before: HEAD1, after: HEAD2, updated: true });
    const pull = g.execCalls.find((c) => c.argv.includes('pull'))!;
    expect(pull.argv.slice(0, 5)).toEqual(['/usr/bin/setpriv', '--reuid=1000', '--regid=1000', '--init-groups', '--']);
    expect(pull.argv).toContain('--ff-only');
    expect(pull.opts.network).toBe(true);
  });

  it('refuses a directory without .git, and a guest without git', async () => {
    const g = withGit();
    expect(await fails(g, 'git-pull /srv')).toMatch(/\/srv is not a git work tree/);
    const bare = fakeGuest({ files: { '/etc/passwd': PASSWD, '/srv/app/.git': dir() } });
    expect(await fails(bare, 'git-pull /srv/app')).toMatch(/the guest has no git: install it first/);
  });
});
