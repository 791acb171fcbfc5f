import { describe, expect, it } from 'vitest';
import { dir, fakeGuest, type FakeGuestSpec } from '../../helpers/fake-guest.js';
import { runLine } from '../../helpers/run-command.js';
import { scriptedPrompter } from '../../helpers/scripted-prompter.js';

// setup-docker on fake guests: its questions, the users it checks, and --from docker stopping
// before any change when the guest cannot fetch Docker's key. The real run: test/e2e/wizards.test.ts.

const PASSWD = 'root:x:0:0:root:/root:/bin/bash\nalice:x:1000:1000::/home/alice:/bin/bash\n';
const KEY = '-----BEGIN PGP PUBLIC KEY BLOCK-----\n\nmQINBFit2ioBEADhWpZ8/wvZ6hUTiXOwQHXMAlaFHcPH9hAtr4F1y2+OYdbtMuth\n-----END PGP PUBLIC KEY BLOCK-----\n';

function guest(exec: FakeGuestSpec['exec'] = {}, distro = 'debian') {
  return fakeGuest({
    os: { distro, arch: 'x86_64', packageFormat: 'deb' },
    files: { '/etc/passwd': PASSWD, '/var/lib/dpkg/status': '', '/etc/os-release': `ID=${distro}\nVERSION_CODENAME=bookworm\n`, '/tmp': dir() },
    exec,
  });
}

describe('setup-docker', () => {
  it('a terminal asks where from and which users, then shows the plan; "no" changes nothing', async () => {
    const asked: string[] = [];
    const prompt = scriptedPrompter({
      choose: (async (q: string, _c: readonly string[], initial?: string) => (asked.push(`${q} (${initial})`), 'debian')) as never,
      text: async (q, o) => (asked.push(`${q} (${o?.initial})`), 'alice'),
      confirm: async (q) => (asked.push(q), false),
    });
    const r = await runLine('setup-docker', { guest: guest(), prompt, tty: true });
    expect(r.code).toBe(130);
    expect(asked).toEqual(['Install Docker from (debian)', 'Users to add to the group docker (comma-separated, empty for none) ()', 'Run these 3 steps?']);
    expect(r.stderr).toContain('  1. install docker.io    # install docker.io\n  2. enable docker    # enable docker at boot\n  3. usermod alice --add-groups docker    # add alice to the group docker\n');
    expect(r.stderr).toContain('then check: docker --version, systemctl is-enabled docker, getent group docker');
  });

  it('a user the guest does not have is refused before anything runs', async () => {
    const r = await runLine('setup-docker --users alice,bob --yes', { guest: guest() });
    expect(r).toMatchObject({ code: 1, stderr: "error: no user 'bob' in the guest's /etc/passwd\n" });
    const bad = await runLine("setup-docker --users 'a b' --yes", { guest: guest() });
    expect(bad.stderr).toBe("error: --users a b: 'a b' is not a user name\n");
  });

  it('--from docker: an unreachable download.docker.com stops the wizard before any change, naming the step and cause', async () => {
    const g = guest({ '/usr/lib/apt/apt-helper': { code: 100, stderr: "E: Failed to fetch https://download.docker.com/linux/debian/gpg  Could not resolve 'download.docker.com'\n" } });
    const r = await runLine('setup-docker --from docker --yes', { guest: g });
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(
      "error: setup-docker --from docker: step 'fetch Docker's signing key' failed: https://download.docker.com/linux/debian/gpg cannot be reached from the guest (apt-helper: E: Failed to fetch https://download.docker.com/linux/debian/gpg  Could not resolve 'download.docker.com'); nothing was changed\n",
    );
    expect(g.execCalls.map((c) => [c.argv[0], c.opts.network])).toEqual([['/usr/lib/apt/apt-helper', true]]);
    expect(await g.fs.exists('/etc/apt')).toBe(false);
  });

  it('--from docker with the key fetched: key, repository line, then docker-ce and its plugins', async () => {
    const g = guest({
      '/usr/lib/apt/apt-helper': async (argv, _o, fg) => {
        await fg.fs.writeFile(argv[3]!, KEY);
        return { code: 0 };
      },
    });
    const prompt = scriptedPrompter({ confirm: async () => false });
    const r = await runLine('setup-docker --from docker --users alice', { guest: g, prompt, tty: true });
    expect(r.code).toBe(130);
    expect(r.stderr).toMatch(/ {2}1\. mkdir -p \/etc\/apt\/keyrings {4}# create \/etc\/apt\/keyrings\n {2}2\. write \/etc\/apt\/keyrings\/docker\.asc '-----BEGIN PGP PUBLIC KEY BLOCK-----\\n/);
    expect(r.stderr).toContain("  3. write /etc/apt/sources.list.d/docker.list 'deb [arch=amd64 signed-by=/etc/apt/keyrings/docker.asc] https://download.docker.com/linux/debian bookworm stable\\n'");
    expect(r.stderr).toContain('  4. install docker-ce docker-ce-cli containerd.io docker-buildx-plugin docker-compose-plugin    # install docker-ce, docker-ce-cli,');
    // The key's temporary copy is gone from the guest's /tmp.
    expect((await g.fs.list('/tmp')).map((e) => e.name)).toEqual([]);
  });

  it('a RHEL-family guest is refused with its name', async () => {
    const r = await runLine('setup-docker --yes', { guest: guest({}, 'rocky') });
    expect(r.stderr).toBe('error: setup-docker installs Debian/Ubuntu packages (docker.io or docker-ce); this guest is rocky (rhel)\n');
  });
});
