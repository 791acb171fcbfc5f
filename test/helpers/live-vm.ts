import { execFile, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { BIN, guestctl, leftovers, sessionEnv, type CliResult } from './cli.js';
import { fixtureInfo, workCopy } from './fixtures.js';

// A real running VM for the live tests: libvirt's system daemon (started here without
// systemd when it is not running: `virtlogd -d`, `libvirtd -d`), and a type='qemu' (TCG)
// domain booted from a qcow2 overlay of the Debian fixture with the guest's own kernel and
// initrd (direct kernel boot), a virtio disk, the qemu-ga channel, an empty IDE CD-ROM, a
// user-mode NIC, a fixed UUID and a serial console log. A second domain without an agent
// channel (no disk: its BIOS idles at "no bootable device") serves the "no agent" cases.
// Everything is torn down afterwards: domains destroyed and undefined, daemons this helper
// started stopped, the temp dir removed. The cached fixture is never written.
//
//   Development: `node dist/test/helpers/live-vm.js up` boots a VM and leaves it running
//   (prints its domain and dir); run the live tests against it with
//   GUESTCTL_LIVE_DOMAIN=guestctl-live npx vitest run test/e2e/live.test.ts (no boot, no
//   teardown); `node dist/test/helpers/live-vm.js down` removes it.

const pexec = promisify(execFile);

export const LIVE_URI = 'qemu:///system';
/** Domain names: guestctl-live and guestctl-live-noagent (GUESTCTL_LIVE_NAME changes the prefix, e.g. for two runs at once). */
export const LIVE_DOMAIN = process.env.GUESTCTL_LIVE_NAME || 'guestctl-live';
export const LIVE_NOAGENT_DOMAIN = `${LIVE_DOMAIN}-noagent`;
/** Fixed UUIDs (derived from the name when GUESTCTL_LIVE_NAME is set). */
export const LIVE_UUID = fixedUuid(LIVE_DOMAIN, '6a1c0e5e-1b2d-4c3f-8e9a-0b1c2d3e4f01');
export const LIVE_NOAGENT_UUID = fixedUuid(LIVE_NOAGENT_DOMAIN, '6a1c0e5e-1b2d-4c3f-8e9a-0b1c2d3e4f02');

function fixedUuid(name: string, dflt: string): string {
  if (!process.env.GUESTCTL_LIVE_NAME) return dflt;
  const h = createHash('sha256').update(name).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
}
const BOOT_DEADLINE_MS = Number(process.env.GUESTCTL_LIVE_BOOT_TIMEOUT ?? 600) * 1000;

export interface LiveVm {
  /** The domain with the guest agent (Debian 12, qemu-ga running). */
  domain: string;
  uri: string;
  uuid: string;
  /** A running domain WITHOUT an agent channel (and without disk or CD-ROM). */
  noAgentDomain: string;
  /** Host temp dir: disk overlay, kernel, initrd, console log (empty when reusing a VM). */
  dir: string;
  consoleLog: string;
  /** Seconds from `virsh start` to the first guest-ping answer (0 when reusing a VM). */
  bootSeconds: number;
  /** Seconds until systemd reported the boot finished. */
  systemSeconds: number;
  /** Booted elsewhere (GUESTCTL_LIVE_DOMAIN): this helper does not tear it down. */
  reused: boolean;
}

/** Why no live VM can run here, or null. */
export function liveVmUnavailable(): string | null {
  if (process.getuid?.() !== 0) return 'the live VM tests need root (libvirt system daemon)';
  if (process.env.GUESTCTL_LIVE_DOMAIN) return null;
  for (const [prog, pkg] of [
    ['qemu-system-x86_64', 'qemu-system-x86'],
    ['libvirtd', 'libvirt-daemon-system'],
    ['virtlogd', 'libvirt-daemon-system'],
    ['virsh', 'libvirt-clients'],
  ] as const) {
    const r = spawnSync(prog, ['--version'], { encoding: 'utf8' });
    if (r.error) return `${prog} is not installed (Debian package ${pkg}; scripts/setup.sh installs it)`;
  }
  // It must actually run (TCG; /dev/kvm is not needed): start a machine-less QEMU and quit it.
  const q = spawnSync('qemu-system-x86_64', ['-machine', 'none', '-accel', 'tcg', '-display', 'none', '-nodefaults', '-no-user-config', '-monitor', 'stdio'], {
    input: 'quit\n',
    encoding: 'utf8',
    timeout: 30_000,
  });
  if (q.error || q.status !== 0) {
    const why = (q.stderr || q.error?.message || '').trim().split('\n')[0];
    return `qemu-system-x86_64 cannot run here: ${why || `exit status ${q.status}`}`;
  }
  return null;
}

export function virsh(args: string[], uri = LIVE_URI): CliResult {
  const r = spawnSync('virsh', ['--connect', uri, ...args], { encoding: 'utf8', env: { ...process.env, LC_ALL: 'C' }, timeout: 120_000 });
  return { code: r.status ?? 1, stdout: r.stdout ?? '', stderr: r.stderr ?? (r.error?.message ?? '') };
}

async function virshAsync(args: string[], uri = LIVE_URI, timeoutMs = 120_000): Promise<CliResult> {
  try {
    const r = await pexec('virsh', ['--connect', uri, ...args], { env: { ...process.env, LC_ALL: 'C' }, timeout: timeoutMs, maxBuffer: 64 << 20 });
    return { code: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string; message: string };
    return { code: typeof e.code === 'number' ? e.code : 1, stdout: e.stdout ?? '', stderr: e.stderr || e.message };
  }
}

/** One raw agent command through virsh (independent of guestctl's own client). */
export async function agentCommand(vm: Pick<LiveVm, 'domain' | 'uri'>, execute: string, args?: object, timeoutS = 30): Promise<any> {
  const json = JSON.stringify(args ? { execute, arguments: args } : { execute });
  const r = await virshAsync(['qemu-agent-command', '--domain', vm.domain, '--timeout', String(timeoutS), '--cmd', json], vm.uri, timeoutS * 1000 + 30_000);
  if (r.code !== 0) throw new Error(`virsh qemu-agent-command ${execute}: ${r.stderr.trim()}`);
  return (JSON.parse(r.stdout) as { return: unknown }).return;
}

/**
 * Run argv in the guest through plain `virsh qemu-agent-command` guest-exec and
 * guest-exec-status: the separate path the tests use to check what guestctl did.
 */
export async function agentExec(vm: Pick<LiveVm, 'domain' | 'uri'>, argv: string[], opts: { stdin?: string | Buffer; timeoutMs?: number } = {}): Promise<CliResult> {
  const args: Record<string, unknown> = { path: argv[0], arg: argv.slice(1), 'capture-output': true };
  if (opts.stdin !== undefined) args['input-data'] = Buffer.from(opts.stdin).toString('base64');
  const { pid } = (await agentCommand(vm, 'guest-exec', args)) as { pid: number };
  const deadline = Date.now() + (opts.timeoutMs ?? 120_000);
  for (;;) {
    const st = (await agentCommand(vm, 'guest-exec-status', { pid })) as { exited: boolean; exitcode?: number; signal?: number; 'out-data'?: string; 'err-data'?: string };
    if (st.exited) {
      return {
        code: st.exitcode ?? 128 + (st.signal ?? 0),
        stdout: Buffer.from(st['out-data'] ?? '', 'base64').toString('utf8'),
        stderr: Buffer.from(st['err-data'] ?? '', 'base64').toString('utf8'),
      };
    }
    if (Date.now() > deadline) throw new Error(`guest command ${argv.join(' ')} did not finish in time`);
    await sleep(100);
  }
}

/** `guestctl interactive --domain D --connect URI [extra] -c CMD...` */
export function liveShell(vm: Pick<LiveVm, 'domain' | 'uri'>, commands: string[], extra: string[] = [], env: Record<string, string> = {}): Promise<CliResult> {
  return guestctl(['interactive', '--domain', vm.domain, '--connect', vm.uri, ...extra, ...commands.flatMap((c) => ['-c', c])], { env, timeoutMs: 300_000 });
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** A live process (a zombie no longer counts: only its parent's wait is missing). */
function pidAlive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

const debug = (what: string) => {
  if (process.env.GUESTCTL_LIVE_DEBUG) process.stderr.write(`live-vm: ${new Date().toISOString().slice(11, 23)} ${what}\n`);
};

function daemonPid(name: 'libvirtd' | 'virtlogd'): number | null {
  try {
    const pid = Number(readFileSync(`/run/${name}.pid`, 'utf8').trim());
    if (!Number.isInteger(pid) || pid <= 0 || !pidAlive(pid)) return null;
    const comm = readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
    return comm === name ? pid : null;
  } catch {
    return null;
  }
}

async function stopPid(pid: number, what: string): Promise<void> {
  if (!pidAlive(pid)) return;
  process.kill(pid, 'SIGTERM');
  for (let i = 0; i < 300 && pidAlive(pid); i++) await sleep(50);
  if (pidAlive(pid)) {
    process.kill(pid, 'SIGKILL');
    for (let i = 0; i < 100 && pidAlive(pid); i++) await sleep(50);
  }
  if (pidAlive(pid)) throw new Error(`${what} (pid ${pid}) did not stop`);
}

function xmlEscape(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/'/g, '&apos;');
}

/** The domain with the agent: TCG, direct kernel boot, virtio disk, agent channel, empty IDE CD-ROM. */
export function agentDomainXml(p: { name: string; uuid: string; disk: string; kernel: string; initrd: string; cmdline: string; consoleLog: string }): string {
  const e = xmlEscape;
  return `<domain type='qemu'>
  <name>${e(p.name)}</name>
  <uuid>${p.uuid}</uuid>
  <description>guestctl live test VM (test/helpers/live-vm.ts)</description>
  <memory unit='MiB'>1024</memory>
  <vcpu>1</vcpu>
  <os>
    <type arch='x86_64' machine='pc'>hvm</type>
    <kernel>${e(p.kernel)}</kernel>
    <initrd>${e(p.initrd)}</initrd>
    <cmdline>${e(p.cmdline)}</cmdline>
  </os>
  <features><acpi/></features>
  <on_poweroff>destroy</on_poweroff>
  <on_reboot>destroy</on_reboot>
  <on_crash>destroy</on_crash>
  <devices>
    <emulator>/usr/bin/qemu-system-x86_64</emulator>
    <disk type='file' device='disk'>
      <driver name='qemu' type='qcow2'/>
      <source file='${e(p.disk)}'/>
      <target dev='vda' bus='virtio'/>
    </disk>
    <disk type='file' device='cdrom'>
      <driver name='qemu' type='raw'/>
      <target dev='hdc' bus='ide'/>
      <readonly/>
    </disk>
    <interface type='user'>
      <model type='virtio'/>
      <address type='pci' domain='0x0000' bus='0x00' slot='0x03' function='0x0'/>
    </interface>
    <channel type='unix'>
      <target type='virtio' name='org.qemu.guest_agent.0'/>
    </channel>
    <serial type='file'>
      <source path='${e(p.consoleLog)}'/>
      <target port='0'/>
    </serial>
    <memballoon model='none'/>
  </devices>
  <seclabel type='static' model='dac' relabel='no'><label>+0:+0</label></seclabel>
</domain>
`;
}

/** A domain without agent channel, disk or CD-ROM: SeaBIOS finds nothing to boot and idles. */
export function noAgentDomainXml(p: { name: string; uuid: string }): string {
  return `<domain type='qemu'>
  <name>${xmlEscape(p.name)}</name>
  <uuid>${p.uuid}</uuid>
  <description>guestctl live test VM without a guest agent (test/helpers/live-vm.ts)</description>
  <memory unit='MiB'>64</memory>
  <vcpu>1</vcpu>
  <os>
    <type arch='x86_64' machine='pc'>hvm</type>
    <boot dev='hd'/>
  </os>
  <features><acpi/></features>
  <on_poweroff>destroy</on_poweroff>
  <devices>
    <emulator>/usr/bin/qemu-system-x86_64</emulator>
    <memballoon model='none'/>
  </devices>
  <seclabel type='static' model='dac' relabel='no'><label>+0:+0</label></seclabel>
</domain>
`;
}

/** The NIC name the live domain's virtio NIC (PCI slot 3) gets in the guest, and what prepareOverlay gives it. */
export const LIVE_NIC = 'ens3';
export const LIVE_STATIC_ADDRESS = '10.0.2.16/24';
export const LIVE_FIREWALL_PORT = 8080;
/** The site setup-webserver makes on the overlay before boot (test/live/wizards.ts), on LIVE_FIREWALL_PORT. */
export const LIVE_WEB_SITE = 'guestctl-live-site';

/** A machine-id planted in the overlay before `sysprep` empties it (test/live/sysprep.ts). */
export const LIVE_PLANTED_MACHINE_ID = '0123456789abcdef0123456789abcdef';

/**
 * What the live tests check after the first boot, done offline on the overlay by guestctl itself:
 * the image prepared for cloning with `sysprep` (a new machine-id and new SSH host keys at boot;
 * test/live/sysprep.ts); `touch /root/fb` queued as a firstboot command (test/live/firstboot.ts); a static address on the
 * user-mode NIC (slirp's 10.0.2.0/24, gateway .2, DNS .3; test/live/network.ts); nftables installed
 * and enabled with a port opened (test/live/firewall.ts); nginx with a site on that port by the
 * setup-webserver wizard, flags only, and curl to fetch it from inside (test/live/wizards.ts).
 */
async function prepareOverlay(overlay: string): Promise<void> {
  const steps = [
    `write /etc/machine-id '${LIVE_PLANTED_MACHINE_ID}\\n'`,
    'sysprep',
    "firstboot --command 'touch /root/fb'",
    `net-setip ${LIVE_NIC} ${LIVE_STATIC_ADDRESS} --gateway 10.0.2.2 --dns 10.0.2.3`,
    'install nftables',
    'enable nftables.service',
    `firewall-add ${LIVE_FIREWALL_PORT}/tcp`,
    `setup-webserver --server nginx --site ${LIVE_WEB_SITE} --port ${LIVE_FIREWALL_PORT} --firewall --yes`,
    'install curl',
  ];
  const r = await guestctl(['interactive', overlay, ...steps.flatMap((c) => ['-c', c])], { env: sessionEnv(overlay) });
  if (r.code !== 0) throw new Error(`preparing the live overlay failed: ${r.stderr.trim()}`);
}

/** Boots the live VM and tears it down: one instance per test file (or per `up` run). */
export class LiveVmController {
  vm: LiveVm | null = null;
  private dir = '';
  private startedLibvirtd: number | null = null;
  private startedVirtlogd: number | null = null;
  private defined: string[] = [];
  private reused = false;

  async up(): Promise<LiveVm> {
    const reuse = process.env.GUESTCTL_LIVE_DOMAIN;
    if (reuse) {
      this.reused = true;
      const uri = process.env.GUESTCTL_LIVE_URI ?? LIVE_URI;
      const vm: LiveVm = {
        domain: reuse,
        uri,
        uuid: virsh(['domuuid', reuse], uri).stdout.trim(),
        noAgentDomain: process.env.GUESTCTL_LIVE_NOAGENT_DOMAIN ?? LIVE_NOAGENT_DOMAIN,
        dir: '',
        consoleLog: '',
        bootSeconds: 0,
        systemSeconds: 0,
        reused: true,
      };
      await agentCommand(vm, 'guest-ping', undefined, 10);
      this.vm = vm;
      return vm;
    }
    try {
      return await this.boot();
    } catch (err) {
      await this.down().catch((e: unknown) => console.error(`live VM teardown after a failed boot: ${(e as Error).message}`));
      throw err;
    }
  }

  private async boot(): Promise<LiveVm> {
    this.dir = mkdtempSync(join(tmpdir(), 'guestctl-live-'));
    const dir = this.dir;
    debug('starting daemons');
    await this.startDaemons();
    debug('daemons up');
    for (const name of [LIVE_DOMAIN, LIVE_NOAGENT_DOMAIN]) this.removeStale(name);
    const disk = await workCopy('debian', dir);
    await prepareOverlay(disk);
    const info = fixtureInfo('debian') as { kernel: { vmlinuz: string; initrd: string; cmdline: string } };
    const kernel = join(dir, 'vmlinuz');
    const initrd = join(dir, 'initrd.img');
    // The guest's own kernel and initrd, taken out of the (read-only opened) overlay by guestctl itself.
    const x = await guestctl(['interactive', disk, '--ro', '-c', `download ${info.kernel.vmlinuz} ${kernel}`, '-c', `download ${info.kernel.initrd} ${initrd}`], {
      env: { TMPDIR: dir },
    });
    if (x.code !== 0 || !existsSync(kernel) || !existsSync(initrd)) throw new Error(`extracting the fixture's kernel failed: ${x.stderr}`);
    const left = leftovers(dir);
    if (left.length > 0) throw new Error(`extracting the kernel left ${left.join(', ')}`);
    debug('kernel extracted');
    const consoleLog = join(dir, 'console.log');
    // A kernel panic reboots at once, and a reboot ends the domain: a failed boot stops the wait early, with the console log.
    const cmdline = `${info.kernel.cmdline} panic=-1`;
    this.define(agentDomainXml({ name: LIVE_DOMAIN, uuid: LIVE_UUID, disk, kernel, initrd, cmdline, consoleLog }), LIVE_DOMAIN);
    this.define(noAgentDomainXml({ name: LIVE_NOAGENT_DOMAIN, uuid: LIVE_NOAGENT_UUID }), LIVE_NOAGENT_DOMAIN);
    const t0 = Date.now();
    this.virshOk(['start', LIVE_DOMAIN]);
    this.virshOk(['start', LIVE_NOAGENT_DOMAIN]);
    const vm: LiveVm = {
      domain: LIVE_DOMAIN,
      uri: LIVE_URI,
      uuid: LIVE_UUID,
      noAgentDomain: LIVE_NOAGENT_DOMAIN,
      dir,
      consoleLog,
      bootSeconds: 0,
      systemSeconds: 0,
      reused: false,
    };
    const deadline = t0 + BOOT_DEADLINE_MS;
    for (;;) {
      const r = await virshAsync(['qemu-agent-command', '--domain', LIVE_DOMAIN, '--timeout', '5', '--cmd', '{"execute":"guest-ping"}']);
      if (r.code === 0) break;
      const state = virsh(['domstate', LIVE_DOMAIN]).stdout.trim();
      if (state !== 'running') throw new Error(`the live VM stopped while booting (state: ${state}); console:\n${this.consoleTail()}`);
      if (Date.now() > deadline) throw new Error(`the live VM's guest agent did not answer within ${BOOT_DEADLINE_MS / 1000} s; console:\n${this.consoleTail()}`);
      await sleep(2000);
    }
    vm.bootSeconds = (Date.now() - t0) / 1000;
    debug(`guest-ping answered after ${vm.bootSeconds} s`);
    // Let the boot finish (ssh, networking, timers) so the tests see a settled system.
    const left_ms = Math.max(30_000, deadline - Date.now());
    const sys = await agentExec(vm, ['/bin/systemctl', 'is-system-running', '--wait'], { timeoutMs: left_ms });
    if (!/^(running|degraded)/.test(sys.stdout.trim())) throw new Error(`the live VM did not finish booting: systemctl is-system-running says ${sys.stdout.trim()} ${sys.stderr.trim()}`);
    vm.systemSeconds = (Date.now() - t0) / 1000;
    this.vm = vm;
    return vm;
  }

  consoleTail(lines = 40): string {
    try {
      return readFileSync(join(this.dir, 'console.log'), 'utf8').split('\n').slice(-lines).join('\n');
    } catch {
      return '(no console log)';
    }
  }

  /** Destroy and undefine the domains, stop the daemons this helper started, remove the temp dir. */
  async down(): Promise<void> {
    if (this.reused) return;
    const errors: string[] = [];
    for (const name of this.defined.reverse()) {
      if (virsh(['domstate', name]).stdout.trim() === 'running') {
        const d = virsh(['destroy', name]);
        if (d.code !== 0) errors.push(`virsh destroy ${name}: ${d.stderr.trim()}`);
      }
      const u = virsh(['undefine', name]);
      if (u.code !== 0) errors.push(`virsh undefine ${name}: ${u.stderr.trim()}`);
    }
    this.defined = [];
    if (this.startedLibvirtd !== null) await stopPid(this.startedLibvirtd, 'libvirtd').catch((e: Error) => errors.push(e.message));
    if (this.startedVirtlogd !== null) await stopPid(this.startedVirtlogd, 'virtlogd').catch((e: Error) => errors.push(e.message));
    this.startedLibvirtd = this.startedVirtlogd = null;
    if (this.dir) rmSync(this.dir, { recursive: true, force: true });
    this.dir = '';
    this.vm = null;
    if (errors.length > 0) throw new Error(`live VM teardown: ${errors.join('; ')}`);
  }

  /** What a finished run must not leave: our domains, their QEMU processes, daemons we started. */
  leftovers(dir: string): string[] {
    const found: string[] = [];
    const names = virsh(['list', '--all', '--name']);
    if (names.code === 0)
      for (const n of names.stdout.split('\n').map((l) => l.trim()))
        if (n === LIVE_DOMAIN || n === LIVE_NOAGENT_DOMAIN) found.push(`domain: ${n}`);
    const ps = spawnSync('ps', ['-eo', 'pid,args'], { encoding: 'utf8' }).stdout;
    for (const l of ps.split('\n'))
      if (/qemu-system/.test(l) && (l.includes(`guest=${LIVE_DOMAIN},`) || l.includes(`guest=${LIVE_NOAGENT_DOMAIN},`) || (dir && l.includes(dir)))) found.push(`process: ${l.trim()}`);
    if (dir && existsSync(dir)) found.push(`dir: ${dir}`);
    return found;
  }

  /** Whether this run started the daemons (so they must be gone afterwards). */
  get startedDaemons(): { libvirtd: number | null; virtlogd: number | null } {
    return { libvirtd: this.startedLibvirtd, virtlogd: this.startedVirtlogd };
  }

  /**
   * libvirtd runs in a private mount namespace where /etc/libvirt/qemu.conf is a copy with
   * `user = "root"` (the host's file is untouched). Why: /dev/kvm here is root-only, so
   * libvirt's check "can the qemu user open /dev/kvm" disagrees with its capability probe
   * (QEMU opens /dev/kvm as root before dropping privileges) and it re-probes QEMU on every
   * lookup: 8 probes of 4 s per `virsh define`. The domains are TCG (type='qemu') anyway.
   */
  private async startDaemons(): Promise<void> {
    if (daemonPid('virtlogd') === null) {
      const r = spawnSync('virtlogd', ['-d'], { encoding: 'utf8' });
      if (r.status !== 0) throw new Error(`virtlogd -d failed: ${r.stderr}`);
      this.startedVirtlogd = await waitPid('virtlogd');
    }
    if (daemonPid('libvirtd') === null) {
      const conf = join(this.dir, 'qemu.conf');
      writeFileSync(conf, `${readFileSync('/etc/libvirt/qemu.conf', 'utf8')}\n# guestctl live tests (private mount namespace only)\nuser = "root"\ngroup = "root"\n`, { mode: 0o600 });
      const r = spawnSync('unshare', ['--mount', '--propagation', 'private', 'sh', '-c', 'mount --bind "$1" /etc/libvirt/qemu.conf && exec libvirtd -d', 'sh', conf], {
        encoding: 'utf8',
      });
      if (r.status !== 0) throw new Error(`libvirtd -d failed: ${r.stderr}`);
      this.startedLibvirtd = await waitPid('libvirtd');
    }
    for (let i = 0; ; i++) {
      const v = virsh(['version']);
      if (v.code === 0) break;
      if (i > 300) throw new Error(`libvirtd does not answer on ${LIVE_URI}: ${v.stderr.trim()}`);
      await sleep(200);
    }
  }

  /** A domain of ours left by a killed run (its disk is gone): remove it; one in use: refuse. */
  private removeStale(name: string): void {
    if (virsh(['domstate', name]).code !== 0) return;
    const xml = virsh(['dumpxml', name]).stdout;
    const desc = /<description>guestctl live test VM/.test(xml);
    const files = [...xml.matchAll(/<(?:source file|kernel)[=>]'?([^'<]+)/g)].map((m) => m[1]!);
    if (!desc) throw new Error(`a domain named ${name} exists and is not a guestctl test VM: refusing to touch it`);
    if (files.some((f) => existsSync(f))) throw new Error(`domain ${name} is in use by another live test run (${files.find((f) => existsSync(f))} exists)`);
    virsh(['destroy', name]);
    const u = virsh(['undefine', name]);
    if (u.code !== 0) throw new Error(`cannot remove the stale domain ${name}: ${u.stderr.trim()}`);
  }

  private define(xml: string, name: string): void {
    const file = join(this.dir, `${name}.xml`);
    writeFileSync(file, xml);
    this.virshOk(['define', file]);
    this.defined.push(name);
  }

  private virshOk(args: string[]): void {
    const r = virsh(args);
    if (r.code !== 0) throw new Error(`virsh ${args.join(' ')}: ${r.stderr.trim()}`);
  }
}

async function waitPid(name: 'libvirtd' | 'virtlogd'): Promise<number> {
  for (let i = 0; i < 150; i++) {
    const pid = daemonPid(name);
    if (pid !== null) return pid;
    await sleep(100);
  }
  throw new Error(`${name} did not start (no /run/${name}.pid)`);
}

let current: LiveVmController | null = null;

/** The VM booted for this test file (by live.test.ts's beforeAll). */
export function liveVm(): LiveVm {
  if (!current?.vm) throw new Error('no live VM: it is booted by test/e2e/live.test.ts (beforeAll)');
  return current.vm;
}

/** Boot the file's VM (once). */
export async function startLiveVm(): Promise<LiveVm> {
  current ??= new LiveVmController();
  return current.vm ?? current.up();
}

/** Tear the file's VM down; returns what was left behind (empty when all is clean). */
export async function stopLiveVm(): Promise<string[]> {
  if (!current) return [];
  const c = current;
  if (c.vm?.reused) {
    current = null;
    return [];
  }
  const dir = c.vm?.dir ?? '';
  const started = c.startedDaemons;
  await c.down();
  current = null;
  const found = c.leftovers(dir);
  for (const [name, pid] of Object.entries(started)) if (pid !== null && pidAlive(pid)) found.push(`daemon: ${name} (pid ${pid}) still running`);
  return found;
}

/**
 * Shut the file's VM down cleanly (the guest agent's shutdown, ACPI as a fallback) and wait until
 * the domain is shut off, so its journal is flushed to the overlay disk. The domain stays defined
 * and the overlay stays in place (stopLiveVm removes both afterwards). Returns the overlay's path.
 */
export async function shutdownLiveVm(timeoutMs = 300_000): Promise<string> {
  const vm = liveVm();
  const disk = /<source file='([^']+\.qcow2)'/.exec(virsh(['dumpxml', vm.domain], vm.uri).stdout)?.[1];
  if (!disk) throw new Error(`shutdownLiveVm: no qcow2 disk in the XML of ${vm.domain}`);
  const deadline = Date.now() + timeoutMs;
  let asked = 0;
  for (;;) {
    const state = virsh(['domstate', vm.domain], vm.uri).stdout.trim();
    if (state === 'shut off') return disk;
    if (Date.now() > deadline) throw new Error(`shutdownLiveVm: ${vm.domain} is still "${state}" after ${timeoutMs / 1000} s`);
    // Ask again every 30 s: an ACPI request during early boot may be dropped.
    if (Date.now() - asked > 30_000) {
      const r = virsh(['shutdown', vm.domain, '--mode', 'agent,acpi'], vm.uri);
      if (r.code !== 0 && virsh(['domstate', vm.domain], vm.uri).stdout.trim() !== 'shut off') throw new Error(`virsh shutdown ${vm.domain}: ${r.stderr.trim()}`);
      asked = Date.now();
    }
    await sleep(1000);
  }
}

/** Paths for the command line entry below. */
if (process.argv[1] && import.meta.url === new URL(`file://${process.argv[1]}`).href) {
  const cmd = process.argv[2];
  if (cmd === 'up') {
    const c = new LiveVmController();
    const vm = await c.up();
    // Keep the daemons and domains: `down` removes them by name.
    console.log(JSON.stringify({ ...vm, hint: `GUESTCTL_LIVE_DOMAIN=${vm.domain} npx vitest run test/e2e/live.test.ts` }, null, 2));
  } else if (cmd === 'down') {
    for (const name of [LIVE_DOMAIN, LIVE_NOAGENT_DOMAIN]) {
      const xml = virsh(['dumpxml', name]).stdout;
      const dir = /<source file='([^']+)\/[^/']+'/.exec(xml)?.[1];
      virsh(['destroy', name]);
      virsh(['undefine', name]);
      if (dir && dir.startsWith(join(tmpdir(), 'guestctl-live-'))) rmSync(dir, { recursive: true, force: true });
    }
    console.log(`removed ${LIVE_DOMAIN} and ${LIVE_NOAGENT_DOMAIN} (libvirtd and virtlogd keep running)`);
  } else {
    console.error(`usage: node ${BIN.replace(/bin\/guestctl\.js$/, '')}dist/test/helpers/live-vm.js up|down`);
    process.exitCode = 2;
  }
}
