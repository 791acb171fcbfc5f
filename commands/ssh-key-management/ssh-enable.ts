import { defineCommand } from '../../src/shell/command.js';
import type { Output } from '../../src/shell/output.js';
import type { Guest } from '../../src/guest/types.js';
import { effectiveValues } from '../../src/parsers/sshd-config-queries.js';
import { CliError } from '../../src/util/errors.js';
import { sshdPackage } from './_shared/ssh-home.js';
import { pickSshUnit, type UnitFile } from './_shared/ssh-unit.js';
import { lstatOrNull } from '../../src/guest/stat-or-null.js';
import { findSshd, loadGuestSshdConfig } from './_shared/sshd.js';
import { DRY_RUN, dryRunOption } from '../../src/shell/dry-run.js';

// ssh-enable: sshd starts at boot (the guest's own systemctl / rc-update, run in the sandbox)
// and will have host keys (the distro generates them at first boot, or ssh-keygen -A now).

const UNIT_DIRS = ['/etc/systemd/system', '/usr/lib/systemd/system', '/lib/systemd/system'];
const DEFAULT_HOST_KEYS = ['/etc/ssh/ssh_host_rsa_key', '/etc/ssh/ssh_host_ecdsa_key', '/etc/ssh/ssh_host_ed25519_key'];

async function unitFiles(guest: Guest, names: string[]): Promise<UnitFile[]> {
  const out: UnitFile[] = [];
  for (const dir of UNIT_DIRS) {
    for (const name of names) {
      const st = await lstatOrNull(guest.fs, `${dir}/${name}`);
      if (st?.type === 'file' || st?.type === 'symlink') out.push({ name, dir, type: st.type });
    }
  }
  return out;
}

/** What the distro does about missing host keys at boot, or null when nothing does. */
async function firstBootKeygen(guest: Guest): Promise<string | null> {
  for (const dir of UNIT_DIRS) {
    for (const u of ['sshd-keygen@.service', 'sshd-keygen.service', 'sshdgenkeys.service']) {
      if (await lstatOrNull(guest.fs, `${dir}/${u}`)) return `${u} generates them at first boot`;
    }
  }
  if (await lstatOrNull(guest.fs, '/usr/sbin/sshd-gen-keys-start')) return 'sshd-gen-keys-start generates them when sshd starts';
  if (guest.os.initSystem === 'openrc') return "the OpenRC sshd service generates them when it starts";
  return null;
}

async function run(guest: Guest, argv: string[], step: string): Promise<string> {
  const r = await guest.exec(argv);
  if (r.code !== 0) throw new CliError('failed', `${step}: ${argv.join(' ')} failed (exit ${r.code}): ${(r.stderr || r.stdout).trim().split('\n').pop() ?? ''}`);
  return r.stdout;
}

async function isEnabled(guest: Guest, unit: string): Promise<string> {
  const r = await guest.exec(['systemctl', 'is-enabled', unit]);
  return (r.stdout.trim().split('\n').pop() ?? '').trim() || r.stderr.trim();
}

export interface EnableResult {
  unit: string;
  initSystem: string;
  alreadyEnabled: boolean;
  hostKeys: { present: string[]; missing: string[]; generated: string[]; firstBoot: string | null };
  dryRun: boolean;
}

export const sshEnable = defineCommand({
  name: 'ssh-enable',
  category: 'ssh-key-management',
  summary: "Make sshd start at boot (the guest's own systemctl enable, run in the sandbox) and make sure it will have host keys",
  description:
    "The unit is found from the guest's unit files (ssh.service on Debian/Ubuntu, sshd.service elsewhere) and enabled with the guest's systemctl (OpenRC: rc-update add sshd default), then checked with systemctl is-enabled. Missing host keys are generated now with the guest's ssh-keygen -A, unless the distro generates them at first boot (sshd-keygen@.service on Fedora/RHEL, sshdgenkeys.service on Arch...): then it is left to that, as cloned images should not share host keys (--generate-host-keys generates them now anyway).",
  examples: ['ssh-enable', 'ssh-enable --dry-run', 'ssh-enable --generate-host-keys'],
  options: {
    ...dryRunOption('say what would be done and change nothing'),
    'generate-host-keys': { type: 'boolean', description: "generate missing host keys now even when the distro would at first boot" },
  },
  needs: ['fs', 'exec'],
  mutates: true,
  journal: { trees: ['/etc'] },
  async run(ctx, args) {
    const guest = ctx.guest;
    const dryRun = args.flag(DRY_RUN);
    const sshd = await findSshd(guest);
    if (!sshd) throw new CliError('not-found', `sshd is not installed in the guest (no /usr/sbin/sshd): install the ${sshdPackage(guest)} package first`);
    const init = guest.os.initSystem ?? 'unknown';
    let unit: string;
    if (init === 'systemd') {
      unit = pickSshUnit(await unitFiles(guest, ['ssh.service', 'sshd.service']), guest.os.packageFormat === 'deb') ?? '';
      if (!unit) throw new CliError('not-found', 'sshd is installed but the guest has no ssh.service or sshd.service unit');
    } else if (init === 'openrc') {
      unit = 'sshd';
      if (!(await lstatOrNull(guest.fs, '/etc/init.d/sshd'))) throw new CliError('not-found', 'sshd is installed but the guest has no /etc/init.d/sshd');
    } else {
      throw new CliError('unsupported', `ssh-enable knows systemd and OpenRC guests; this guest's init system is ${init}`);
    }

    // Host keys first: a guest that starts sshd at boot without keys has no sshd.
    const cfg = await loadGuestSshdConfig(guest).catch(() => null);
    const configured = cfg ? effectiveValues(cfg, 'HostKey').map((s) => s.value) : [];
    const wanted = configured.length > 0 ? configured : DEFAULT_HOST_KEYS;
    const present: string[] = [];
    const missing: string[] = [];
    for (const k of wanted) ((await guest.fs.exists(k)) ? present : missing).push(k);
    const result: EnableResult = { unit, initSystem: init, alreadyEnabled: false, hostKeys: { present, missing, generated: [], firstBoot: null }, dryRun };
    const would: string[] = [];
    if (present.length === 0 || (configured.length === 0 && missing.length > 0)) {
      const boot = args.flag('generate-host-keys') ? null : await firstBootKeygen(guest);
      if (boot) {
        result.hostKeys.firstBoot = boot;
        ctx.out.note(`host keys ${missing.join(', ')} are missing: ${boot}`);
      } else if (configured.length > 0) {
        throw new CliError('failed', `host keys: none of the HostKey files in sshd_config exists (${missing.join(', ')}); create them with ssh-keygen -t TYPE -f FILE`);
      } else if (dryRun) {
        would.push(`generate the missing host keys (${missing.join(', ')}) with the guest's ssh-keygen -A`);
      } else {
        await run(guest, ['ssh-keygen', '-A'], 'generating host keys');
        for (const k of missing) {
          if (!(await guest.fs.exists(k))) throw new CliError('failed', `generating host keys: ssh-keygen -A did not create ${k}`);
          result.hostKeys.generated.push(k);
        }
      }
    }

    if (init === 'systemd') {
      const socket = unit === 'ssh.service' && (await unitFiles(guest, ['ssh.socket'])).length > 0 ? await isEnabled(guest, 'ssh.socket') : '';
      const state = await isEnabled(guest, unit);
      if (state === 'enabled' || socket === 'enabled') {
        result.alreadyEnabled = true;
        if (socket === 'enabled' && state !== 'enabled') ctx.out.note('ssh.socket is enabled: sshd starts on the first connection (socket activation)');
      } else if (state === 'masked') {
        throw new CliError('refused', `${unit} is masked in the guest: unmask it first (run systemctl unmask ${unit})`);
      } else if (dryRun) {
        would.push(`run the guest's systemctl enable ${unit} (now: ${state || 'unknown'})`);
      } else {
        await run(guest, ['systemctl', 'enable', unit], `enabling ${unit}`);
        const after = await isEnabled(guest, unit);
        if (after !== 'enabled') throw new CliError('failed', `enabling ${unit}: systemctl is-enabled says ${after || 'nothing'} after systemctl enable`);
      }
    } else {
      const shown = await run(guest, ['rc-update', 'show', 'default'], 'checking the default runlevel');
      if (/^\s*sshd\s*\|/m.test(shown)) result.alreadyEnabled = true;
      else if (dryRun) would.push("run the guest's rc-update add sshd default");
      else {
        await run(guest, ['rc-update', 'add', 'sshd', 'default'], 'enabling sshd');
        const again = await run(guest, ['rc-update', 'show', 'default'], 'checking the default runlevel');
        if (!/^\s*sshd\s*\|/m.test(again)) throw new CliError('failed', 'enabling sshd: rc-update show default does not list sshd after rc-update add');
      }
    }

    return dryRun ? { ...result, would } : result;
  },
  render(r: EnableResult & { would?: string[] }, out: Output) {
    if (r.dryRun) {
      for (const w of r.would ?? []) out.line(`would ${w}`);
      return;
    }
    if (r.hostKeys.generated.length > 0) out.line(`generated host keys: ${r.hostKeys.generated.join(', ')}`);
    out.line(r.alreadyEnabled ? `${r.unit} was already enabled` : `enabled ${r.unit}: sshd starts at boot`);
  },
});
