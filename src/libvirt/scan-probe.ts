import { AgentClient } from '../agent/client.js';
import { AgentError } from '../agent/errors.js';
import { DEFAULT_TIMEOUT_MS, type AgentTransport, type RequestOptions } from '../agent/transport.js';
import { VirshTransport } from '../agent/virsh-transport.js';
import { SocketTransport } from '../agent/socket-transport.js';
import { parseOsRelease } from '../parsers/os-release.js';
import { describeError } from '../util/errors.js';
import { guestAddresses, type GuestInterface } from './parse.js';
import { DeadlineError, withDeadline } from './pool.js';

// What a scan asks one guest agent: the OS (guest-get-osinfo; else /etc/os-release through
// guest-exec; else Windows' `ver`; else the file through guest-file-read when exec is
// blocked) and the addresses (guest-network-get-interfaces). The whole probe has one
// deadline: every request gets at most the time left, and the probe gives up when it is over.

export interface DomainRef {
  name: string;
  /** The libvirt URI, when one was given (else virsh's default). */
  uri?: string;
}

/** How a probe reaches a domain's agent: through virsh by default; tests and benchmarks inject sockets. */
export type AgentOpener = (domain: DomainRef, opts: { timeoutMs: number }) => Promise<AgentTransport>;

/**
 * Agents through `virsh qemu-agent-command`. A connection whose driver has no agent support
 * at all (e.g. the test driver) refuses every domain alike: after the first refusal, the
 * other domains of that connection get the same answer without starting virsh again.
 */
export function virshAgents(): AgentOpener {
  const unsupported = new Map<string, AgentError>();
  return async (d) => {
    const key = d.uri ?? '';
    const inner = new VirshTransport(d.name, { connect: d.uri });
    return {
      target: inner.target,
      maxRequestBytes: inner.maxRequestBytes,
      maxReplyBytes: inner.maxReplyBytes,
      async request(cmd: string, args?: object, opts?: RequestOptions) {
        const known = unsupported.get(key);
        if (known) throw known;
        try {
          return await inner.request(cmd, args, opts);
        } catch (err) {
          if (err instanceof AgentError && err.kind === 'libvirt' && UNSUPPORTED.test(err.message)) unsupported.set(key, err);
          throw err;
        }
      },
      close: () => inner.close(),
    };
  };
}

const UNSUPPORTED = /does not support guest agent commands/;

/** Agents on UNIX sockets (plain QEMU `-chardev socket`): `pathOf` maps a domain to its socket, or null for `fallback`. */
export function socketAgents(pathOf: (d: DomainRef) => string | null, fallback: AgentOpener = virshAgents()): AgentOpener {
  return async (d, opts) => {
    const path = pathOf(d);
    if (path === null) return fallback(d, opts);
    // A second more than the probe's deadline, so that the deadline decides (and reports a timeout).
    return SocketTransport.open(path, { syncTimeoutMs: opts.timeoutMs + 1000, connectTimeoutMs: opts.timeoutMs + 1000 });
  };
}

/** up: the agent answered; none: no agent (no channel, not connected, driver without agent support); timeout; error. */
export type AgentStatus = 'up' | 'none' | 'timeout' | 'error';

export interface AgentProbe {
  status: AgentStatus;
  /** The OS's pretty name, e.g. "Debian GNU/Linux 12 (bookworm)". */
  os: string | null;
  osSource: 'guest-get-osinfo' | 'os-release' | 'ver' | null;
  /** "ADDR/PREFIX", loopback and IPv6 link-local left out. */
  addresses: string[];
  /** Why the agent told nothing, or what it could not tell. */
  note: string | null;
}

export function isAgentProbe(v: unknown): v is AgentProbe {
  const p = v as AgentProbe;
  return (
    !!p &&
    typeof p === 'object' &&
    ['up', 'none', 'timeout', 'error'].includes(p.status) &&
    (p.os === null || typeof p.os === 'string') &&
    Array.isArray(p.addresses) &&
    p.addresses.every((a) => typeof a === 'string')
  );
}

/** Every request gets at most the time left before the deadline. */
class DeadlineTransport implements AgentTransport {
  constructor(
    private readonly inner: AgentTransport,
    private readonly deadline: number,
  ) {}
  get target() {
    return this.inner.target;
  }
  get maxRequestBytes() {
    return this.inner.maxRequestBytes;
  }
  get maxReplyBytes() {
    return this.inner.maxReplyBytes;
  }
  async request(cmd: string, args?: object, opts: RequestOptions = {}): Promise<unknown> {
    const left = this.deadline - Date.now();
    if (left <= 0) throw new AgentError('timeout', `the guest agent (${this.inner.target.label}) did not finish answering in time`, { command: cmd });
    return this.inner.request(cmd, args, { timeoutMs: Math.min(opts.timeoutMs ?? DEFAULT_TIMEOUT_MS, left) });
  }
  close(): Promise<void> {
    return this.inner.close();
  }
}

export async function probeAgent(domain: DomainRef, opts: { timeoutMs: number; open?: AgentOpener }): Promise<AgentProbe> {
  const deadline = Date.now() + opts.timeoutMs;
  let transport: AgentTransport | undefined;
  let over = false;
  const work = async (): Promise<AgentProbe> => {
    const t = await (opts.open ?? virshAgents())(domain, { timeoutMs: opts.timeoutMs });
    if (over) {
      await t.close().catch(() => undefined);
      throw new DeadlineError(opts.timeoutMs);
    }
    transport = t;
    const client = new AgentClient(new DeadlineTransport(t, deadline));
    await client.info();
    const notes: string[] = [];
    const os = await detectOs(client, deadline, notes);
    let addresses: string[] = [];
    if (client.has('guest-network-get-interfaces')) {
      try {
        addresses = guestAddresses(await client.request<GuestInterface[]>('guest-network-get-interfaces'));
      } catch (err) {
        notes.push(`guest-network-get-interfaces: ${describeError(err)}`);
      }
    } else notes.push('the agent offers no guest-network-get-interfaces (disabled or too old)');
    return { status: 'up', os: os?.name ?? null, osSource: os?.source ?? null, addresses, note: notes.length ? notes.join('; ') : null };
  };
  let late = false;
  try {
    return await withDeadline(work(), opts.timeoutMs);
  } catch (err) {
    late = err instanceof DeadlineError;
    return failedProbe(err, opts.timeoutMs);
  } finally {
    over = true;
    // A hung agent does not close its end: the socket's graceful close would add its own
    // wait (up to 1 s) after the deadline, so past the deadline it finishes in the background.
    const closing = transport?.close().catch(() => undefined);
    if (!late) await closing;
  }
}

function failedProbe(err: unknown, timeoutMs: number): AgentProbe {
  const base = { os: null, osSource: null, addresses: [] as string[] };
  if (err instanceof DeadlineError) return { ...base, status: 'timeout', note: `the guest agent did not answer within ${timeoutMs / 1000} s` };
  if (err instanceof AgentError) {
    if (err.kind === 'timeout') return { ...base, status: 'timeout', note: err.message };
    if (err.kind === 'no-channel' || err.kind === 'not-connected' || err.kind === 'not-running') return { ...base, status: 'none', note: err.message };
    if (err.kind === 'libvirt' && UNSUPPORTED.test(err.message)) return { ...base, status: 'none', note: err.message };
  }
  return { ...base, status: 'error', note: describeError(err) };
}

async function detectOs(client: AgentClient, deadline: number, notes: string[]): Promise<{ name: string; source: AgentProbe['osSource'] } | null> {
  if (client.has('guest-get-osinfo')) {
    try {
      const o = await client.osinfo();
      const name = o['pretty-name']?.trim() || [o.name, o.version].filter(Boolean).join(' ').trim();
      if (name) return { name, source: 'guest-get-osinfo' };
    } catch (err) {
      notes.push(`guest-get-osinfo: ${describeError(err)}`);
    }
  }
  const left = () => Math.max(1, deadline - Date.now());
  if (client.has('guest-exec') && client.has('guest-exec-status')) {
    try {
      for (const path of ['/etc/os-release', '/usr/lib/os-release']) {
        const r = await client.run(['cat', path], { timeoutMs: left() });
        if (r.code === 127) break; // no `cat`: not a Unix guest
        const name = r.code === 0 ? prettyName(r.stdout.toString('utf8')) : null;
        if (name) return { name, source: 'os-release' };
      }
      const r = await client.run(['cmd', '/c', 'ver'], { timeoutMs: left() });
      const line = r.stdout
        .toString('utf8')
        .split(/\r?\n/)
        .map((l) => l.trim())
        .find(Boolean);
      if (r.code === 0 && line && /windows/i.test(line)) return { name: line, source: 'ver' };
    } catch (err) {
      notes.push(`guest-exec: ${describeError(err)}`);
    }
  } else if (client.has('guest-file-open') && client.has('guest-file-read')) {
    for (const path of ['/etc/os-release', '/usr/lib/os-release']) {
      try {
        const name = prettyName((await client.readFile(path, { maxBytes: 64 << 10 })).toString('utf8'));
        if (name) return { name, source: 'os-release' };
      } catch (err) {
        notes.push(`${path}: ${describeError(err)}`);
      }
    }
  }
  return null;
}

function prettyName(osRelease: string): string | null {
  const f = parseOsRelease(osRelease);
  return f.PRETTY_NAME?.trim() || [f.NAME, f.VERSION ?? f.VERSION_ID].filter(Boolean).join(' ').trim() || null;
}
