import { randomBytes } from 'node:crypto';
import type { Output } from '../src/shell/output.js';
import type { CommandContext } from '../src/shell/command.js';
import { defineCommand } from '../src/shell/command.js';
import { DRY_RUN } from '../src/shell/dry-run.js';
import { distroFamily } from '../src/inspect/distro-family.js';
import { guestUser } from '../src/users/guest-user.js';
import { CliError } from '../src/util/errors.js';
import { Asker, wizardOptions } from './_shared/ask.js';
import { renderWizard, runPlan, writeContentArg, type Plan, type WizardCheck, type WizardResult, type WizardStep } from './_shared/runner.js';
import { installStep } from './_shared/packages.js';
import { DOCKER_KEY_URL, DOCKER_PACKAGES, dockerRepoLine, groupMembers } from './_shared/docker-config.js';

const SOURCES = ['debian', 'docker'] as const;
type Source = (typeof SOURCES)[number];

export const setupDocker = defineCommand({
  name: 'setup-docker',
  category: 'setup-wizards',
  summary: "Install Docker (Debian's docker.io, or Docker's own repository), enable it at boot and let users run it (group docker)",
  description:
    "--from debian (default) installs the distribution's docker.io; --from docker adds Docker's apt repository (its signing key, " +
    'fetched by the guest first: when download.docker.com cannot be reached nothing is changed) and installs docker-ce. Then ' +
    "enable docker and usermod --add-groups docker for each user. Success only after the guest's docker --version, systemctl " +
    'is-enabled docker and getent group docker. Debian and Ubuntu guests.',
  examples: ['setup-docker --users alice --yes', 'setup-docker --from debian --dry-run', 'setup-docker --from docker --users alice,bob --yes'],
  options: {
    users: { type: 'string', valueName: 'a,b', description: 'users to add to the group docker (default: none)' },
    from: { type: 'string', valueName: 'debian|docker', description: "where Docker comes from: the distribution's docker.io (default) or Docker's repository" },
    ...wizardOptions(),
  },
  needs: ['fs', 'exec'],
  os: ['linux'],
  mutates: true,
  // Each step is a command the executor journals on its own; `undo N` reverts them.
  journal: false,
  async run(ctx, args) {
    const ask = new Asker(ctx, args.flag('yes'));
    const family = await distroFamily(ctx.guest);
    if (family !== 'debian') throw new CliError('unsupported', `setup-docker installs Debian/Ubuntu packages (docker.io or docker-ce); this guest is ${ctx.guest.os.distro ?? 'an unknown distribution'} (${family})`);
    const from = await ask.choose('from', args.optStr('from'), 'Install Docker from', SOURCES, 'debian');
    const usersText = await ask.text('users', args.optStr('users'), 'Users to add to the group docker (comma-separated, empty for none)', '', usersProblem);
    const users = splitUsers(usersText);
    for (const u of users) await guestUser(ctx.guest, u);
    const plan = await dockerPlan(ctx, { from, users, dryRun: args.flag(DRY_RUN) });
    return runPlan(ctx, plan, { yes: args.flag('yes'), dryRun: args.flag(DRY_RUN) });
  },
  render(r: WizardResult, out: Output) {
    renderWizard(r, out);
  },
});

function splitUsers(text: string): string[] {
  return [...new Set(text.split(',').map((u) => u.trim()).filter((u) => u !== ''))];
}

function usersProblem(text: string): string | undefined {
  const bad = splitUsers(text).find((u) => !/^[a-z_][a-z0-9_.-]*\$?$/i.test(u));
  return bad === undefined ? undefined : `'${bad}' is not a user name`;
}

export interface DockerChoices {
  from: Source;
  users: string[];
  dryRun: boolean;
}

export async function dockerPlan(ctx: CommandContext, c: DockerChoices): Promise<Plan> {
  const steps: WizardStep[] = [];
  const notes: string[] = [];
  let packages: string[];
  if (c.from === 'debian') {
    packages = ['docker.io'];
  } else {
    const codename = ctx.guest.os.distro === 'ubuntu' || ctx.guest.os.distro === 'debian' ? await codenameOf(ctx) : null;
    if (!codename || (ctx.guest.os.distro !== 'debian' && ctx.guest.os.distro !== 'ubuntu')) {
      throw new CliError('unsupported', `setup-docker --from docker: Docker's repository has Debian and Ubuntu releases; this guest is ${ctx.guest.os.distro ?? 'unknown'}`);
    }
    const arch = debArch(ctx.guest.os.arch);
    // Fetched first, by the guest's own apt: an unreachable repository stops the wizard before any change.
    const key = await fetchDockerKey(ctx, ctx.guest.os.distro);
    steps.push({ title: 'create /etc/apt/keyrings', argv: ['mkdir', '-p', '/etc/apt/keyrings'] });
    steps.push({ title: "write Docker's signing key", argv: ['write', '/etc/apt/keyrings/docker.asc', writeContentArg(key)] });
    steps.push({ title: "add Docker's apt repository", argv: ['write', '/etc/apt/sources.list.d/docker.list', writeContentArg(dockerRepoLine(ctx.guest.os.distro, codename, arch))] });
    packages = [...DOCKER_PACKAGES];
    notes.push(`Docker's repository: ${ctx.guest.os.distro} ${codename} (${arch}); its signing key was fetched by the guest from ${DOCKER_KEY_URL(ctx.guest.os.distro)}`);
  }
  const installed = `${packages[0]} is installed by the install step`;
  // After the repository's steps (--from docker): install refreshes the lists, Docker's included.
  const install = await installStep(ctx, packages, notes);
  if (install) steps.push(install);
  steps.push({ title: 'enable docker at boot', argv: ['enable', 'docker'], afterEarlier: installed });
  for (const u of c.users) steps.push({ title: `add ${u} to the group docker`, argv: ['usermod', u, '--add-groups', 'docker'], afterEarlier: `the group docker is made by ${packages[0]}'s install` });
  if (c.users.length === 0) notes.push('no --users: only root can use docker (add users later with usermod USER --add-groups docker)');
  const checks: WizardCheck[] = [
    { title: 'docker --version', argv: ['docker', '--version'], expect: (r) => (/^Docker version /.test(r.stdout) ? undefined : `says ${r.stdout.trim()}`) },
    { title: 'systemctl is-enabled docker', argv: ['systemctl', 'is-enabled', 'docker'], expect: (r) => (r.stdout.trim() === 'enabled' ? undefined : `says ${r.stdout.trim()}`) },
  ];
  if (c.users.length > 0) {
    checks.push({
      title: 'getent group docker',
      argv: ['getent', 'group', 'docker'],
      expect: (r) => {
        const missing = c.users.filter((u) => !groupMembers(r.stdout).includes(u));
        return missing.length === 0 ? undefined : `${missing.join(', ')} not in it (${r.stdout.trim()})`;
      },
    });
  }
  return { wizard: 'setup-docker', choices: { from: c.from, users: c.users }, steps, checks, notes };
}

async function codenameOf(ctx: CommandContext): Promise<string | null> {
  const text = (await ctx.guest.fs.readFile('/etc/os-release')).toString('utf8');
  const m = /^VERSION_CODENAME=["']?([a-z]+)["']?$/m.exec(text);
  return m?.[1] ?? null;
}

function debArch(arch: string | null): string {
  const a = ({ x86_64: 'amd64', aarch64: 'arm64', armv7l: 'armhf', ppc64le: 'ppc64el', s390x: 's390x' } as Record<string, string>)[arch ?? ''];
  if (!a) throw new CliError('unsupported', `setup-docker --from docker: Docker's repository has no packages for the architecture ${arch ?? 'unknown'}`);
  return a;
}

/** Docker's signing key, downloaded by the guest's own apt-helper in the jail with network; removed from the guest's /tmp after. */
async function fetchDockerKey(ctx: CommandContext, distro: string): Promise<string> {
  const url = DOCKER_KEY_URL(distro);
  const tmp = `/tmp/guestctl-docker-key.${randomBytes(6).toString('hex')}`;
  try {
    const r = await ctx.guest.exec(['/usr/lib/apt/apt-helper', 'download-file', url, tmp], { network: true, signal: ctx.signal, timeoutMs: 120_000 });
    if (r.code !== 0) {
      const why = (r.stderr + r.stdout).split('\n').map((l) => l.trim()).filter((l) => l !== '').pop() ?? `exit status ${r.code}`;
      throw new CliError('failed', `setup-docker --from docker: step 'fetch Docker's signing key' failed: ${url} cannot be reached from the guest (apt-helper: ${why}); nothing was changed`);
    }
    const key = (await ctx.guest.fs.readFile(tmp)).toString('utf8');
    if (!key.includes('-----BEGIN PGP PUBLIC KEY BLOCK-----')) throw new CliError('failed', `setup-docker --from docker: ${url} did not give a PGP public key; nothing was changed`);
    return key;
  } finally {
    await ctx.guest.fs.remove(tmp).catch((err: unknown) => {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') ctx.out.note(`could not remove ${tmp} from the guest: ${(err as Error).message}`);
    });
  }
}
