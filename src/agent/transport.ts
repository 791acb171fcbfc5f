import type { AgentTarget } from './errors.js';

// How JSON requests reach a QEMU guest agent: its UNIX socket directly, or libvirt's
// `virsh qemu-agent-command`. A transport runs one request at a time, returns the
// `return` member of the reply, and throws an AgentError for everything else.

export interface RequestOptions {
  timeoutMs?: number;
}

export interface AgentTransport {
  /** Who we talk to, for messages. */
  readonly target: AgentTarget;
  /** Largest request (serialized JSON, bytes) the transport carries. */
  readonly maxRequestBytes: number;
  /** Largest reply (serialized JSON, bytes) the transport accepts. */
  readonly maxReplyBytes: number;
  request(cmd: string, args?: object, opts?: RequestOptions): Promise<unknown>;
  close(): Promise<void>;
}

export const DEFAULT_TIMEOUT_MS = 30_000;
