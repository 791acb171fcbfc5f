import { createConnection, type Socket } from 'node:net';
import { randomInt } from 'node:crypto';
import { AgentError, fromGuestError, notConnectedMessage, timeoutMessage, type AgentTarget } from './errors.js';
import { DEFAULT_TIMEOUT_MS, type AgentTransport, type RequestOptions } from './transport.js';

// The guest agent's UNIX socket, spoken to directly: QEMU's `-chardev socket,path=…,server=on`
// for the virtio-serial port, or qemu-ga's own `-m unix-listen`.
//
// The stream carries newline-terminated JSON replies without ids, so the stream is
// resynchronised with guest-sync-delimited (a 0xFF byte, which resets qemu-ga's parser and
// never occurs in UTF-8 JSON, then a random id whose reply is preceded by 0xFF) on connect
// and after anything that may have left it out of step: a timeout, an oversized or
// unparsable reply, unexpected bytes. After a sync, replies come in request order, one
// request at a time.

export interface SocketTransportOptions {
  /** How long the agent has to answer the handshake (default 10 s). */
  syncTimeoutMs?: number;
  connectTimeoutMs?: number;
  maxRequestBytes?: number;
  maxReplyBytes?: number;
}

/** qemu-ga parses tokens up to 64 MiB; its replies are at most ~43 MiB (two 16 MiB exec captures in base64). */
const MAX_REQUEST = 16 << 20;
const MAX_REPLY = 64 << 20;

class Timeout extends Error {}

export class SocketTransport implements AgentTransport {
  readonly target: AgentTarget;
  readonly maxRequestBytes: number;
  readonly maxReplyBytes: number;
  private readonly syncTimeoutMs: number;
  private readonly connectTimeoutMs: number;
  private sock: Socket | null = null;
  private ended: Error | null = null;
  private needSync = true;
  private closed = false;
  private tail: Promise<unknown> = Promise.resolve();
  // Receiving: bytes are kept only while a request is reading; anything else is stale.
  private inbox: Buffer[] = [];
  private listening = false;
  private wake: (() => void) | null = null;

  private constructor(
    readonly path: string,
    opts: SocketTransportOptions,
  ) {
    this.target = { label: `socket ${path}` };
    this.maxRequestBytes = opts.maxRequestBytes ?? MAX_REQUEST;
    this.maxReplyBytes = opts.maxReplyBytes ?? MAX_REPLY;
    this.syncTimeoutMs = opts.syncTimeoutMs ?? 10_000;
    this.connectTimeoutMs = opts.connectTimeoutMs ?? 5_000;
  }

  /** Connect and handshake: throws a classified AgentError when nobody answers. */
  static async open(path: string, opts: SocketTransportOptions = {}): Promise<SocketTransport> {
    const t = new SocketTransport(path, opts);
    try {
      await t.enqueue(async () => {
        await t.connect();
        if (t.needSync) await t.sync();
      });
    } catch (err) {
      await t.close();
      throw err;
    }
    return t;
  }

  request(cmd: string, args?: object, opts: RequestOptions = {}): Promise<unknown> {
    return this.enqueue(() => this.run(cmd, args, opts.timeoutMs ?? DEFAULT_TIMEOUT_MS));
  }

  /**
   * Tests only: send bytes as they are, in the request queue (e.g. half a request, as a
   * client that died mid-write leaves behind).
   */
  writeRaw(data: Buffer | string): Promise<void> {
    return this.enqueue(async () => {
      await this.connect();
      this.sock!.write(data);
    });
  }

  /** One request in flight at a time: each waits for the previous one to settle. */
  private enqueue<T>(fn: () => Promise<T>): Promise<T> {
    const p = this.tail.then(fn, fn);
    this.tail = p.catch(() => undefined);
    return p;
  }

  async close(): Promise<void> {
    this.closed = true;
    const s = this.sock;
    this.sock = null;
    if (!s) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        s.destroy();
        resolve();
      }, 1000);
      s.once('close', () => {
        clearTimeout(timer);
        resolve();
      });
      s.end();
    });
  }

  private async run(cmd: string, args: object | undefined, timeoutMs: number): Promise<unknown> {
    if (this.closed) throw new AgentError('protocol', `the connection to the guest agent (${this.target.label}) is closed`);
    await this.connect();
    if (this.needSync) await this.sync();
    const payload = Buffer.from(JSON.stringify(args === undefined ? { execute: cmd } : { execute: cmd, arguments: args }) + '\n', 'utf8');
    if (payload.length > this.maxRequestBytes)
      throw new AgentError('too-large', `internal: a ${cmd} request of ${payload.length} bytes exceeds the socket limit of ${this.maxRequestBytes}`);
    const deadline = Date.now() + timeoutMs;
    let line: Buffer;
    this.listen(true);
    try {
      this.sock!.write(payload);
      line = await this.readLine(deadline, this.maxReplyBytes, cmd);
    } catch (err) {
      this.needSync = true;
      if (err instanceof Timeout) throw new AgentError('timeout', timeoutMessage(cmd, this.target, timeoutMs / 1000), { command: cmd });
      throw err;
    } finally {
      this.listen(false);
    }
    let reply: { return?: unknown; error?: { class?: unknown; desc?: unknown } };
    try {
      reply = JSON.parse(line.toString('utf8')) as typeof reply;
    } catch {
      this.needSync = true;
      throw new AgentError('protocol', `the guest agent sent something that is not JSON in reply to ${cmd}`, { command: cmd });
    }
    if (reply && typeof reply === 'object' && reply.error && typeof reply.error === 'object') {
      // A parse error means the agent saw bytes we did not mean as this request: resync.
      if (/JSON parse error|Invalid JSON|lexical error|Expecting value/i.test(String(reply.error.desc ?? ''))) this.needSync = true;
      throw fromGuestError(cmd, reply.error);
    }
    if (!reply || typeof reply !== 'object' || !('return' in reply)) {
      this.needSync = true;
      throw new AgentError('protocol', `the guest agent's reply to ${cmd} has neither "return" nor "error"`, { command: cmd });
    }
    return reply.return;
  }

  /** 0xFF + guest-sync-delimited; skip to each 0xFF and read until the reply carries our id. */
  private async sync(): Promise<void> {
    const id = randomInt(1, 2 ** 47);
    const deadline = Date.now() + this.syncTimeoutMs;
    this.listen(true);
    try {
      this.sock!.write(Buffer.concat([Buffer.from([0xff]), Buffer.from(JSON.stringify({ execute: 'guest-sync-delimited', arguments: { id } }) + '\n')]));
      for (;;) {
        await this.skipToDelimiter(deadline);
        const line = await this.readLine(deadline, 4096, 'guest-sync-delimited');
        let r: unknown;
        try {
          r = JSON.parse(line.toString('utf8'));
        } catch {
          continue; // stale garbage after an earlier delimiter
        }
        if ((r as { return?: unknown }).return === id) break;
      }
      this.needSync = false;
    } catch (err) {
      if (err instanceof Timeout) throw new AgentError('not-connected', notConnectedMessage(this.target), { command: 'guest-sync-delimited' });
      throw err;
    } finally {
      this.listen(false);
    }
  }

  private async connect(): Promise<void> {
    if (this.sock && !this.ended) return;
    this.sock?.destroy();
    this.sock = null;
    const sock = await new Promise<Socket>((resolve, reject) => {
      const s = createConnection({ path: this.path });
      const timer = setTimeout(() => {
        s.destroy();
        reject(new AgentError('not-connected', `cannot connect to the guest agent socket ${this.path}: no answer within ${this.connectTimeoutMs / 1000} s`));
      }, this.connectTimeoutMs);
      s.once('connect', () => {
        clearTimeout(timer);
        resolve(s);
      });
      s.once('error', (err: NodeJS.ErrnoException) => {
        clearTimeout(timer);
        reject(connectError(this.path, err));
      });
    });
    sock.removeAllListeners('error');
    this.ended = null;
    this.inbox = [];
    this.needSync = true;
    sock.on('data', (d: Buffer) => {
      if (!this.listening) {
        this.needSync = true; // unsolicited bytes: a late reply; resync before the next request
        return;
      }
      this.inbox.push(d);
      this.wake?.();
    });
    const gone = (why: string) => {
      if (this.sock !== sock) return;
      this.ended ??= new AgentError('protocol', `the guest agent connection (${this.path}) ${why}`);
      this.wake?.();
    };
    sock.on('error', (err) => gone(`failed: ${err.message}`));
    sock.on('close', () => gone('was closed'));
    sock.on('end', () => gone('was closed by the other side'));
    this.sock = sock;
  }

  private listen(on: boolean): void {
    this.listening = on;
    if (!on && this.inbox.length > 0) this.needSync = true;
    this.inbox = [];
  }

  private async waitData(deadline: number): Promise<void> {
    while (this.inbox.length === 0) {
      if (this.ended) throw this.ended;
      const left = deadline - Date.now();
      if (left <= 0) throw new Timeout();
      await new Promise<void>((resolve) => {
        const timer = setTimeout(() => {
          this.wake = null;
          resolve();
        }, left);
        this.wake = () => {
          clearTimeout(timer);
          this.wake = null;
          resolve();
        };
      });
    }
  }

  private async skipToDelimiter(deadline: number): Promise<void> {
    for (;;) {
      await this.waitData(deadline);
      const chunk = this.inbox.shift()!;
      const i = chunk.indexOf(0xff);
      if (i < 0) continue;
      if (i + 1 < chunk.length) this.inbox.unshift(chunk.subarray(i + 1));
      return;
    }
  }

  /** One reply line, without building more than `max` bytes: beyond that, an error (and a resync later). */
  private async readLine(deadline: number, max: number, cmd: string): Promise<Buffer> {
    const parts: Buffer[] = [];
    let size = 0;
    for (;;) {
      await this.waitData(deadline);
      const chunk = this.inbox.shift()!;
      const i = chunk.indexOf(0x0a);
      const piece = i < 0 ? chunk : chunk.subarray(0, i);
      size += piece.length;
      if (size > max) {
        this.needSync = true;
        throw new AgentError('too-large', `the guest agent's reply to ${cmd} exceeds ${max} bytes`, { command: cmd });
      }
      parts.push(piece);
      if (i < 0) continue;
      if (i + 1 < chunk.length) this.inbox.unshift(chunk.subarray(i + 1));
      return parts.length === 1 ? parts[0]! : Buffer.concat(parts, size);
    }
  }
}

function connectError(path: string, err: NodeJS.ErrnoException): AgentError {
  if (err.code === 'ENOENT') return new AgentError('not-connected', `no guest agent socket at ${path} (is the VM running with an agent channel on that path?)`);
  if (err.code === 'ECONNREFUSED') return new AgentError('not-connected', `nothing is listening on ${path}: the VM (or qemu-ga) is not running`);
  if (err.code === 'EACCES') return new AgentError('not-connected', `permission denied on the guest agent socket ${path}`);
  if (err.code === 'ENOTSOCK') return new AgentError('not-connected', `${path} is not a socket`);
  return new AgentError('not-connected', `cannot connect to the guest agent socket ${path}: ${err.message}`);
}
