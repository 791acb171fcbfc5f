import type { ExecOptions, ExecResult, FilesystemInfo, Guest, GuestCapability, LiveInterface, MountInfo, OsInfo } from './types.js';
import { AgentGuestFs } from './agent-fs.js';
import { AgentClient, type AgentFsInfo } from '../agent/client.js';
import type { AgentTransport } from '../agent/transport.js';
import { SocketTransport } from '../agent/socket-transport.js';
import { VirshTransport } from '../agent/virsh-transport.js';
import { FACTS } from '../agent/scripts.js';
import { emptyOsInfo } from '../inspect/os.js';
import { osShortName } from '../parsers/os-release.js';
import { CliError, describeError } from '../util/errors.js';

// A running VM through its QEMU guest agent: the same Guest as a disk image, so every file
// command works live. What the agent reports (guest-get-osinfo, guest-get-host-name,
// guest-get-fsinfo) is read once at open; `filesystems` asks again.

export interface AgentGuestOptions {
  /** The agent's UNIX socket (plain QEMU `-chardev socket,server=on`, or qemu-ga -m unix-listen). */
  socket?: string;
  /** A libvirt domain (through `virsh qemu-agent-command`). */
  domain?: string;
  /** libvirt URI for --domain. */
  connect?: string;
  readOnly?: boolean;
  /** How long the agent has to answer the first handshake (socket; default 10 s). */
  syncTimeoutMs?: number;
}

export class AgentGuest implements Guest {
  readonly kind = 'live' as const;
  readonly capabilities: ReadonlySet<GuestCapability>;
  readonly fs: AgentGuestFs;
  os: OsInfo = emptyOsInfo(true);
  readonly notes: string[] = [];
  private mountList: MountInfo[] = [];
  private closed = false;

  constructor(
    readonly name: string,
    readonly client: AgentClient,
    readonly readOnly: boolean,
  ) {
    this.fs = new AgentGuestFs(client, readOnly);
    const caps: GuestCapability[] = ['live'];
    if (['guest-file-open', 'guest-file-read', 'guest-file-close'].every((c) => client.has(c))) caps.push('fs');
    if (client.has('guest-exec') && client.has('guest-exec-status')) caps.push('exec');
    this.capabilities = new Set(caps);
  }

  async exec(argv: string[], opts: ExecOptions = {}): Promise<ExecResult> {
    // The guest's own /dev already has its devices; the option is only for the offline jail.
    if (opts.blockDevices) throw new CliError('unsupported', 'blockDevices is for disk images only: a running guest has its own /dev');
    this.fs.invalidate();
    try {
      const r = await this.client.exec(argv, { stdin: opts.stdin, env: opts.env, cwd: opts.cwd, signal: opts.signal, timeoutMs: opts.timeoutMs });
      if (opts.inherit) {
        process.stdout.write(r.stdout);
        process.stderr.write(r.stderr);
        return { code: r.code, stdout: '', stderr: '' };
      }
      return { code: r.code, stdout: r.stdout.toString('utf8'), stderr: r.stderr.toString('utf8') };
    } finally {
      this.fs.invalidate();
    }
  }

  mounts(): MountInfo[] {
    return this.mountList;
  }

  async filesystems(): Promise<FilesystemInfo[]> {
    const list = await this.client.fsinfo();
    this.mountList = toMounts(list);
    return list.map((f) => ({
      device: deviceOf(f),
      fstype: f.type ?? null,
      size: f['total-bytes'] ?? 0,
      label: null,
      uuid: null,
      partuuid: null,
      partlabel: null,
      mountpoint: f.mountpoint ?? null,
      ...(f['used-bytes'] !== undefined ? { note: `${f['used-bytes']} bytes used` } : {}),
    }));
  }

  /** Read what the agent tells about the guest; what it cannot tell becomes a note. */
  async load(): Promise<void> {
    const c = this.client;
    const os = emptyOsInfo(true);
    if (c.has('guest-get-osinfo')) {
      try {
        const o = await c.osinfo();
        os.type = o.id === 'mswindows' ? 'windows' : 'linux';
        os.distro = o.id ?? null;
        os.version = o['version-id'] ?? null;
        os.product = o['pretty-name'] ?? o.name ?? null;
        os.shortName = o.id ? osShortName({ ID: o.id, ...(o['version-id'] ? { VERSION_ID: o['version-id'] } : {}) }) || null : null;
        os.arch = o.machine ?? null;
        if (o['kernel-release']) os.kernels = [o['kernel-release']];
      } catch (err) {
        this.notes.push(`guest-get-osinfo failed: ${describeError(err)}`);
      }
    } else this.notes.push('the guest agent offers no guest-get-osinfo: OS details unknown');
    if (c.has('guest-get-host-name')) {
      try {
        os.hostname = await c.hostname();
      } catch (err) {
        this.notes.push(`guest-get-host-name failed: ${describeError(err)}`);
      }
    }
    if (os.type !== 'windows' && this.capabilities.has('exec')) {
      try {
        const r = await c.sh(FACTS, [], { timeoutMs: 30_000 });
        applyFacts(os, r.stdout.toString('utf8'));
      } catch (err) {
        this.notes.push(`could not read package/init facts: ${describeError(err)}`);
      }
    }
    this.os = os;
    this.fs.windows = os.type === 'windows';
    if (c.has('guest-get-fsinfo')) {
      try {
        this.mountList = toMounts(await c.fsinfo());
      } catch (err) {
        this.notes.push(`guest-get-fsinfo failed: ${describeError(err)}`);
      }
    }
    if (!this.capabilities.has('exec')) this.notes.push('guest-exec is disabled in this guest: commands that run programs are refused, and directory listings need it');
  }

  async networkInterfaces(): Promise<LiveInterface[]> {
    await this.client.requireCommand('guest-network-get-interfaces');
    return (await this.client.networkInterfaces()).map((i) => ({
      name: i.name,
      ...(i['hardware-address'] ? { mac: i['hardware-address'] } : {}),
      addresses: (i['ip-addresses'] ?? []).map((a) => `${a['ip-address']}/${a.prefix}`),
    }));
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.client.close();
  }
}

/** pkg=, mgr=, init=, kernel= lines of the FACTS script. */
export function applyFacts(os: OsInfo, text: string): void {
  const kernels: string[] = [];
  for (const line of text.split('\n')) {
    const eq = line.indexOf('=');
    if (eq < 0) continue;
    const key = line.slice(0, eq);
    const value = line.slice(eq + 1).trim();
    if (!value) continue;
    if (key === 'pkg') os.packageFormat = value;
    else if (key === 'mgr') os.packageManager = value === 'apt-get' ? 'apt' : value === 'dnf5' ? 'dnf' : value;
    else if (key === 'init')
      os.initSystem = value === 'systemd' || value.endsWith('/systemd') ? 'systemd' : value.endsWith('/busybox') ? 'busybox' : /openrc/.test(value) ? 'openrc' : /runit/.test(value) ? 'runit' : 'sysvinit';
    else if (key === 'kernel') kernels.push(value.replace(/^(vmlinuz|vmlinux|kernel)-?/, '') || value);
  }
  if (os.packageFormat === 'rpm' && !['zypper', 'dnf', 'yum'].includes(os.packageManager ?? '')) os.packageManager = 'rpm';
  if (os.packageFormat === 'deb') os.packageManager = 'apt';
  if (kernels.length > 0) os.kernels = [...new Set([...os.kernels, ...kernels])].sort();
}

function deviceOf(f: AgentFsInfo): string {
  if (!f.name) return '?';
  if (f.name.startsWith('/') || f.name.startsWith('\\')) return f.name;
  return `/dev/${f.name}`;
}

function toMounts(list: AgentFsInfo[]): MountInfo[] {
  return list
    .map((f) => ({ device: deviceOf(f), mountpoint: f.mountpoint, fstype: f.type ?? '?' }))
    .sort((a, b) => a.mountpoint.localeCompare(b.mountpoint));
}

/** Connect to the agent, check it answers and what it allows, and read the guest's facts. */
export async function openAgentGuest(opts: AgentGuestOptions): Promise<AgentGuest> {
  if (!!opts.socket === !!opts.domain) throw new CliError('usage', 'give either --agent-socket PATH or --domain NAME');
  let transport: AgentTransport;
  if (opts.socket) transport = await SocketTransport.open(opts.socket, { syncTimeoutMs: opts.syncTimeoutMs });
  else {
    if (opts.connect !== undefined && !opts.connect.trim()) throw new CliError('usage', '--connect needs a libvirt URI, e.g. qemu:///system');
    transport = new VirshTransport(opts.domain!, { connect: opts.connect });
  }
  const client = new AgentClient(transport);
  try {
    await client.info();
    const guest = new AgentGuest(opts.domain ?? opts.socket!, client, opts.readOnly === true);
    await guest.load();
    return guest;
  } catch (err) {
    await client.close().catch(() => undefined);
    throw err;
  }
}
