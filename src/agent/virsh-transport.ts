import { execa } from 'execa';
import { CliError } from '../util/errors.js';
import { AgentError, fromGuestError, fromVirshError, timeoutMessage, type AgentTarget } from './errors.js';
import { DEFAULT_TIMEOUT_MS, type AgentTransport, type RequestOptions } from './transport.js';

// The guest agent through libvirt: one `virsh qemu-agent-command` per request (argv only,
// LC_ALL=C so the error texts are the ones we classify). One JSON argument must stay
// under the kernel's 128 KiB per-argument limit (MAX_ARG_STRLEN): requests are kept under
// 96 KiB. libvirt marks the agent broken when a reply exceeds 10 MiB: replies are planned
// to stay under 4 MiB.

export const VIRSH_MAX_REQUEST = 96 << 10;
export const VIRSH_MAX_REPLY = 4 << 20;

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

/** The argv of one request: options by name, so a domain name or JSON can never be taken for an option. */
export function virshArgv(domain: string, json: string, timeoutS: number, uri?: string): string[] {
  return [...(uri ? ['--connect', uri] : []), 'qemu-agent-command', '--domain', domain, '--timeout', String(timeoutS), '--cmd', json];
}

export class VirshTransport implements AgentTransport {
  readonly target: AgentTarget;
  readonly maxRequestBytes = VIRSH_MAX_REQUEST;
  readonly maxReplyBytes = VIRSH_MAX_REPLY;
  readonly uri: string | undefined;
  private readonly program: string;
  private readonly env: NodeJS.ProcessEnv;
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
  }

  private async run(cmd: string, args: object | undefined, timeoutMs: number): Promise<unknown> {
    if (this.closed) throw new AgentError('protocol', `the connection to the guest agent (${this.target.label}) is closed`);
    const json = JSON.stringify(args === undefined ? { execute: cmd } : { execute: cmd, arguments: args });
    if (Buffer.byteLength(json) > this.maxRequestBytes)
      throw new AgentError('too-large', `internal: a ${cmd} request of ${Buffer.byteLength(json)} bytes exceeds the virsh limit of ${this.maxRequestBytes}`);
    const timeoutS = Math.max(1, Math.ceil(timeoutMs / 1000));
    const r = await execa(this.program, virshArgv(this.domain, json, timeoutS, this.uri), {
      env: { ...this.env, LC_ALL: 'C', LANG: 'C', LANGUAGE: '' },
      extendEnv: false,
      stdin: 'ignore',
      reject: false,
      // virsh enforces --timeout; this only guards against a virsh that hangs on its own.
      timeout: timeoutS * 1000 + 30_000,
      maxBuffer: this.maxReplyBytes + (64 << 10),
    });
    const spawnErr = (r as { cause?: NodeJS.ErrnoException }).cause;
    if (spawnErr?.code === 'ENOENT' || (r as { code?: string }).code === 'ENOENT')
      throw new CliError('missing-tool', `virsh not found: install the Debian package libvirt-clients`);
    if (r.timedOut) throw new AgentError('timeout', timeoutMessage(cmd, this.target, timeoutS), { command: cmd });
    if (r.isMaxBuffer) throw new AgentError('too-large', `the guest agent's reply to ${cmd} exceeds ${this.maxReplyBytes} bytes`, { command: cmd });
    if (r.exitCode !== 0) throw fromVirshError(String(r.stderr ?? ''), cmd, this.target, timeoutS);
    const out = String(r.stdout ?? '').trim();
    let reply: { return?: unknown; error?: { class?: unknown; desc?: unknown } };
    try {
      reply = JSON.parse(out) as typeof reply;
    } catch {
      throw new AgentError('protocol', `virsh printed something that is not JSON in reply to ${cmd}`, { command: cmd });
    }
    if (reply?.error && typeof reply.error === 'object') throw fromGuestError(cmd, reply.error);
    if (!reply || typeof reply !== 'object' || !('return' in reply))
      throw new AgentError('protocol', `the guest agent's reply to ${cmd} has neither "return" nor "error"`, { command: cmd });
    return reply.return;
  }
}
