import { randomBytes } from 'node:crypto';
import { CliError } from '../util/errors.js';
import { AgentError, fromGuestError, fromVirshError, timeoutMessage, type AgentTarget } from './errors.js';
import { DEFAULT_TIMEOUT_MS, type AgentTransport, type RequestOptions } from './transport.js';
import { VirshShell, VirshShellError, type ShellFailure } from './virsh-shell.js';
import { asciiJson, requestText } from './virsh-shell-protocol.js';

// The guest agent through libvirt: one long-lived `virsh` interactive shell per transport,
// requests written to its stdin (see virsh-shell.ts), so no payload ever reaches a host
// process's argv. LC_ALL=C so the error texts are the ones we classify. readline reads
// the input one byte at a time (~100 KB/s here): requests are kept under 96 KiB so one
// stays around a second. libvirt marks the agent broken when a reply exceeds 10 MiB:
// replies are planned to stay under 4 MiB. A virsh that dies fails the request in flight
// with one line; the next request starts a new shell.

export const VIRSH_MAX_REQUEST = 96 << 10;
export const VIRSH_MAX_REPLY = 4 << 20;
/** Slowest input rate allowed for readline before a request counts as hung (bytes/s). */
const MIN_INPUT_RATE = 10_000;

export interface VirshOptions {
  /** --connect URI; else $LIBVIRT_URI, then $LIBVIRT_DEFAULT_URI, then virsh's own default. */
  connect?: string;
  env?: NodeJS.ProcessEnv;
  /** The virsh program (tests). */
  program?: string;
}

export function resolveUri(connect: string | undefined, env: NodeJS.ProcessEnv = process.env): string | undefined {
  for (const v of [connect, env.LIBVIRT_URI, env.LIBVIRT_DEFAULT_URI]) if (v && v.trim()) return v.trim();
  return undefined;
}

export class VirshTransport implements AgentTransport {
  readonly target: AgentTarget;
  readonly maxRequestBytes = VIRSH_MAX_REQUEST;
  readonly maxReplyBytes = VIRSH_MAX_REPLY;
  readonly uri: string | undefined;
  private readonly program: string;
  private readonly env: NodeJS.ProcessEnv;
  private readonly tag = randomBytes(9).toString('hex');
  private shell: VirshShell | null = null;
  private tail: Promise<unknown> = Promise.resolve();
  private closed = false;

  constructor(
    readonly domain: string,
    opts: VirshOptions = {},
  ) {
    this.env = opts.env ?? process.env;
    this.uri = resolveUri(opts.connect, this.env);
    this.program = opts.program ?? 'virsh';
    this.target = { label: `domain ${domain}${this.uri ? ` on ${this.uri}` : ''}`, domain, uri: this.uri };
  }

  request(cmd: string, args?: object, opts: RequestOptions = {}): Promise<unknown> {
    const run = () => this.run(cmd, args, opts.timeoutMs ?? DEFAULT_TIMEOUT_MS);
    const p = this.tail.then(run, run);
    this.tail = p.catch(() => undefined);
    return p;
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.tail;
    const s = this.shell;
    this.shell = null;
    await s?.close();
  }

  /** The pid of the current virsh shell (tests and benchmarks). */
  get shellPid(): number | undefined {
    return this.shell?.alive ? this.shell.pid : undefined;
  }

  private async run(cmd: string, args: object | undefined, timeoutMs: number): Promise<unknown> {
    if (this.closed) throw new AgentError('protocol', `the connection to the guest agent (${this.target.label}) is closed`);
    const json = asciiJson(args === undefined ? { execute: cmd } : { execute: cmd, arguments: args });
    if (json.length > this.maxRequestBytes) throw new AgentError('too-large', `internal: a ${cmd} request of ${json.length} bytes exceeds the virsh limit of ${this.maxRequestBytes}`);
    const timeoutS = Math.max(1, Math.ceil(timeoutMs / 1000));
    if (!this.shell?.alive) this.shell = new VirshShell(this.program, this.uri, this.env, this.tag, this.maxReplyBytes + (64 << 10));
    // virsh enforces --timeout; the guard only catches a virsh that hangs on its own.
    const guardMs = timeoutS * 1000 + 30_000 + Math.ceil((json.length / MIN_INPUT_RATE) * 1000);
    let r: { output: string; errors: string };
    try {
      r = await this.shell.send(this.domain, json, timeoutS, guardMs, requestText);
    } catch (err) {
      if (err instanceof VirshShellError) throw this.shellError(err.failure, cmd, timeoutS);
      throw err;
    }
    // A failed command prints `error: …`; anything else on stderr is a warning (libvirt prints
    // some, e.g. about polkit, on commands that succeed).
    if (/^error:/m.test(r.errors)) throw fromVirshError(r.errors, cmd, this.target, timeoutS);
    let reply: { return?: unknown; error?: { class?: unknown; desc?: unknown } };
    try {
      reply = JSON.parse(r.output) as typeof reply;
    } catch {
      throw new AgentError('protocol', `virsh printed something that is not JSON in reply to ${cmd}`, { command: cmd });
    }
    if (reply?.error && typeof reply.error === 'object') throw fromGuestError(cmd, reply.error);
    if (!reply || typeof reply !== 'object' || !('return' in reply))
      throw new AgentError('protocol', `the guest agent's reply to ${cmd} has neither "return" nor "error"`, { command: cmd });
    return reply.return;
  }

  private shellError(f: ShellFailure, cmd: string, timeoutS: number): Error {
    if (f.kind === 'spawn') {
      if (f.error.code === 'ENOENT') return new CliError('missing-tool', `virsh not found: install the Debian package libvirt-clients`);
      return new AgentError('libvirt', `cannot start virsh: ${f.error.message}`, { command: cmd });
    }
    if (f.kind === 'timeout') return new AgentError('timeout', timeoutMessage(cmd, this.target, timeoutS), { command: cmd });
    if (f.kind === 'overflow') return new AgentError('too-large', `the guest agent's reply to ${cmd} exceeds ${this.maxReplyBytes} bytes`, { command: cmd });
    // virsh said why it ended (e.g. it cannot connect to libvirt): classify that.
    if (/^error:/m.test(f.stderr)) return fromVirshError(f.stderr, cmd, this.target, timeoutS);
    const how = f.signal ? `was killed by ${f.signal}` : `exited with status ${f.code}`;
    return new AgentError('libvirt', `virsh ${how} during ${cmd}`, { command: cmd });
  }
}
