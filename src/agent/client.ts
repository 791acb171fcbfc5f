import { randomBytes } from 'node:crypto';
import { CliError } from '../util/errors.js';
import { AgentError, cleanDesc, disabledMessage } from './errors.js';
import type { AgentTransport } from './transport.js';
import { GUEST_EXEC_WRAPPER, KILL_TREE, MAKE_PRIVATE_FILE } from './scripts.js';
import { abortableSleep } from '../util/sleep.js';

// Typed helpers over a transport: capabilities (guest-info), files (guest-file-*, chunked
// to fit the transport, handles closed on every path), and programs (guest-exec with argv,
// stdin, a deadline, and output too large for one reply spilled to guest temp files).

export interface AgentCommandInfo {
  name: string;
  enabled: boolean;
  successResponse: boolean;
}

export interface AgentInfo {
  version: string;
  commands: Map<string, AgentCommandInfo>;
}

export interface AgentOsInfo {
  id?: string;
  name?: string;
  'pretty-name'?: string;
  version?: string;
  'version-id'?: string;
  'kernel-release'?: string;
  'kernel-version'?: string;
  machine?: string;
  variant?: string;
}

export interface AgentFsInfo {
  name: string;
  mountpoint: string;
  type: string;
  'total-bytes'?: number;
  'used-bytes'?: number;
  disk?: { dev?: string; serial?: string; 'bus-type'?: string }[];
}

export interface AgentExecOptions {
  stdin?: string | Buffer;
  /** Whole-command deadline (default 10 minutes); on expiry the process tree is killed. */
  timeoutMs?: number;
  /** Extra environment (qemu-ga replaces the environment: PATH is added unless given). */
  env?: Record<string, string>;
  cwd?: string;
  signal?: AbortSignal;
  /** Per-request deadline of guest-exec and guest-exec-status (default: the transport's). */
  requestTimeoutMs?: number;
  /**
   * 'auto' (default): run through a small sh wrapper that keeps output within one reply and
   * spills larger output to guest temp files read back in chunks. 'capture': run the program
   * directly (no sh needed; output must fit the agent's 16 MiB capture and the transport).
   */
  output?: 'auto' | 'capture';
}

export interface AgentExecResult {
  code: number;
  /** The signal that ended the process, if one did. */
  signal: number | null;
  stdout: Buffer;
  stderr: Buffer;
}

/** qemu-ga: guest-file-read count ≤ 48 MiB; guest-exec captures ≤ 16 MiB per stream. */
const QGA_READ_MAX = 48 << 20;
const QGA_EXEC_CAPTURE_MAX = 16 << 20;
// Measured against qemu-ga on a socket: 64 KiB to 2 MiB chunks move data at the same speed (its JSON
// parser bounds writes at ~45 MiB/s); bigger ones only cost memory and page faults.
const CHUNK_CAP = 2 << 20;
const SPILL_READ_MAX = 512 << 20;
const DEFAULT_EXEC_TIMEOUT_MS = 10 * 60_000;
/** Each request of a kill (and its own deadline): an agent that does not answer is reported, not waited for. */
const KILL_TIMEOUT_MS = 5_000;
const GUEST_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

const floor4k = (n: number) => Math.max(4096, Math.floor(n / 4096) * 4096);

export class AgentClient {
  /** Raw bytes per guest-file-read / guest-file-write, chosen from the transport's limits. */
  readonly readChunk: number;
  readonly writeChunk: number;
  /** Output per stream that comes back inline from guest-exec; more is spilled to a file. */
  readonly inlineOutput: number;
  private infoCache: AgentInfo | null = null;
  private killing = false;

  constructor(readonly transport: AgentTransport) {
    this.readChunk = Math.min(QGA_READ_MAX, CHUNK_CAP, floor4k(((transport.maxReplyBytes - 1024) * 3) / 4));
    this.writeChunk = Math.min(CHUNK_CAP, floor4k(((transport.maxRequestBytes - 1024) * 3) / 4));
    this.inlineOutput = Math.min(QGA_EXEC_CAPTURE_MAX - 1, Math.floor(((transport.maxReplyBytes - 4096) * 3) / 4 / 2));
  }

  request<T = unknown>(cmd: string, args?: object, timeoutMs?: number): Promise<T> {
    return this.transport.request(cmd, args, { timeoutMs }) as Promise<T>;
  }

  async close(): Promise<void> {
    await this.transport.close();
  }

  // ---- capabilities -------------------------------------------------------------------

  async info(refresh = false): Promise<AgentInfo> {
    if (this.infoCache && !refresh) return this.infoCache;
    const r = await this.request<{ version?: string; supported_commands?: { name: string; enabled?: boolean; 'success-response'?: boolean }[] }>('guest-info');
    const commands = new Map<string, AgentCommandInfo>();
    for (const c of r.supported_commands ?? [])
      commands.set(c.name, { name: c.name, enabled: c.enabled !== false, successResponse: c['success-response'] !== false });
    this.infoCache = { version: r.version ?? 'unknown', commands };
    return this.infoCache;
  }

  /** Whether the agent offers the command and it is enabled (after info() was loaded). */
  has(name: string): boolean {
    const c = this.infoCache?.commands.get(name);
    return c !== undefined && c.enabled;
  }

  async requireCommand(...names: string[]): Promise<void> {
    const info = await this.info();
    for (const name of names) {
      const c = info.commands.get(name);
      if (!c) throw new AgentError('unknown-command', `the guest agent (qemu-ga ${info.version}) does not offer ${name}: it is too old for this`, { command: name });
      if (!c.enabled) throw new AgentError('disabled', disabledMessage(name), { command: name });
    }
  }

  async ping(timeoutMs?: number): Promise<void> {
    await this.request('guest-ping', undefined, timeoutMs);
  }

  osinfo(): Promise<AgentOsInfo> {
    return this.request<AgentOsInfo>('guest-get-osinfo');
  }

  async hostname(): Promise<string> {
    return (await this.request<{ 'host-name': string }>('guest-get-host-name'))['host-name'];
  }

  fsinfo(): Promise<AgentFsInfo[]> {
    return this.request<AgentFsInfo[]>('guest-get-fsinfo');
  }

  networkInterfaces(): Promise<AgentNetInterface[]> {
    return this.request<AgentNetInterface[]>('guest-network-get-interfaces');
  }

  // ---- files --------------------------------------------------------------------------

  async open(path: string, mode: 'r' | 'w' | 'a' | 'r+' = 'r'): Promise<number> {
    return this.request<number>('guest-file-open', { path, mode });
  }

  async closeHandle(handle: number): Promise<void> {
    await this.request('guest-file-close', { handle });
  }

  async read(handle: number, count = this.readChunk): Promise<{ data: Buffer; eof: boolean }> {
    const r = await this.request<{ count: number; 'buf-b64': string; eof: boolean }>('guest-file-read', { handle, count });
    const data = Buffer.from(r['buf-b64'] ?? '', 'base64');
    if (data.length !== r.count) throw new AgentError('protocol', `guest-file-read returned ${data.length} bytes but said ${r.count}`);
    return { data, eof: r.eof === true || r.count === 0 };
  }

  async writeAll(handle: number, data: Buffer, onProgress?: (done: number) => void): Promise<void> {
    for (let off = 0; off < data.length; off += this.writeChunk) {
      const chunk = data.subarray(off, off + this.writeChunk);
      const r = await this.request<{ count: number }>('guest-file-write', { handle, 'buf-b64': chunk.toString('base64') });
      if (r.count !== chunk.length) throw new AgentError('guest', `guest agent: short write (${r.count} of ${chunk.length} bytes)`);
      onProgress?.(off + chunk.length);
    }
  }

  /** Run fn on an open handle; the handle is closed whatever happens (it outlives the connection otherwise). */
  async withHandle<T>(path: string, mode: 'r' | 'w' | 'a' | 'r+', fn: (handle: number) => Promise<T>): Promise<T> {
    const handle = await this.open(path, mode);
    let result: T;
    try {
      result = await fn(handle);
    } catch (err) {
      await this.closeHandle(handle).catch(() => undefined); // the first error is the one to report
      throw err;
    }
    await this.closeHandle(handle);
    return result;
  }

  async readFile(path: string, opts: { maxBytes?: number; signal?: AbortSignal } = {}): Promise<Buffer> {
    const max = opts.maxBytes ?? 2 ** 31 - 1;
    return this.withHandle(path, 'r', async (h) => {
      const parts: Buffer[] = [];
      let size = 0;
      for (;;) {
        if (opts.signal?.aborted) throw new CliError('cancelled', 'cancelled');
        const { data, eof } = await this.read(h);
        size += data.length;
        if (size > max) throw new CliError('failed', `${path} is larger than ${max} bytes: too large to read into memory`);
        if (data.length > 0) parts.push(data);
        if (data.length === 0 || eof) break;
      }
      return Buffer.concat(parts, size);
    });
  }

  /** Replace the content of `path` in place (open 'w' truncates): for files guestctl created itself. */
  async overwrite(path: string, data: Buffer, onProgress?: (done: number) => void): Promise<void> {
    await this.withHandle(path, 'w', (h) => this.writeAll(h, data, onProgress));
  }

  // ---- programs -----------------------------------------------------------------------

  async exec(argv: string[], opts: AgentExecOptions = {}): Promise<AgentExecResult> {
    if (argv.length === 0) throw new CliError('usage', 'nothing to run');
    await this.requireCommand('guest-exec', 'guest-exec-status');
    const mode = opts.output ?? 'auto';
    const deadline = Date.now() + (opts.timeoutMs ?? DEFAULT_EXEC_TIMEOUT_MS);
    const nonce = randomBytes(9).toString('hex');
    const stdin = opts.stdin === undefined ? undefined : Buffer.isBuffer(opts.stdin) ? opts.stdin : Buffer.from(opts.stdin, 'utf8');
    const argvBytes = argv.reduce((n, a) => n + Buffer.byteLength(JSON.stringify(a)) + 1, 0);
    const stdinInline = stdin !== undefined && Math.ceil(stdin.length / 3) * 4 + argvBytes + 8192 <= this.transport.maxRequestBytes;
    const temps: string[] = [];
    const stdinFile = stdin !== undefined && !stdinInline ? `/tmp/.guestctl-in-${nonce}` : '';
    const spill = mode === 'auto';
    const outFile = spill ? `/tmp/.guestctl-out-${nonce}` : '';
    const errFile = spill ? `/tmp/.guestctl-err-${nonce}` : '';
    const marker = `guestctl-spilled-${nonce}`;
    const wrapped = spill || !!opts.cwd || !!stdinFile;
    if (argvBytes + 8192 > this.transport.maxRequestBytes)
      throw new CliError('usage', `the command line is too long for the guest agent transport (${argvBytes} bytes)`);

    let failed = true;
    let spilled = false;
    try {
      if (stdinFile) {
        temps.push(stdinFile);
        await this.makePrivateFile(stdinFile);
        await this.overwrite(stdinFile, stdin!);
      }
      const args: Record<string, unknown> = wrapped
        ? { path: '/bin/sh', arg: ['-c', GUEST_EXEC_WRAPPER, 'sh', opts.cwd ?? '', stdinFile, outFile, errFile, String(this.inlineOutput), marker, ...argv] }
        : { path: argv[0], arg: argv.slice(1) };
      args['capture-output'] = true;
      if (stdinInline) args['input-data'] = stdin!.toString('base64');
      if (opts.env) args.env = [...(opts.env.PATH ? [] : [`PATH=${GUEST_PATH}`]), ...Object.entries(opts.env).map(([k, v]) => `${k}=${v}`)];
      let pid: number;
      try {
        pid = (await this.request<{ pid: number }>('guest-exec', args, opts.requestTimeoutMs)).pid;
      } catch (err) {
        const notFound = notStartable(err);
        if (notFound !== null) {
          failed = false;
          return { code: 127, signal: null, stdout: Buffer.alloc(0), stderr: Buffer.from(`${argv[0]}: ${notFound}\n`) };
        }
        throw err;
      }
      if (spill) temps.push(outFile, errFile);
      const st = await this.waitExit(pid, deadline, opts.signal, opts.timeoutMs ?? DEFAULT_EXEC_TIMEOUT_MS, opts.requestTimeoutMs);
      if (st['out-truncated'] || st['err-truncated'])
        throw new AgentError('too-large', `the output of ${argv[0]} exceeds what the guest agent captures (16 MiB per stream)`);
      let stdout: Buffer = Buffer.from(st['out-data'] ?? '', 'base64');
      let stderr: Buffer = Buffer.from(st['err-data'] ?? '', 'base64');
      if (spill && stdout.length === 0 && stderr.toString('utf8').trim() === marker) {
        spilled = true;
        stdout = await this.readFile(outFile, { maxBytes: SPILL_READ_MAX });
        stderr = await this.readFile(errFile, { maxBytes: SPILL_READ_MAX });
      }
      failed = false;
      const signal = typeof st.signal === 'number' ? st.signal : null;
      return { code: typeof st.exitcode === 'number' ? st.exitcode : signal !== null ? 128 + signal : 1, signal, stdout, stderr };
    } finally {
      // The wrapper removes its files itself unless it spilled; after a failure they may remain.
      const leftovers = temps.filter((t) => t === stdinFile || spilled || failed);
      if (leftovers.length > 0) {
        const rm = this.run(['rm', '-f', '--', ...leftovers]);
        if (failed) await rm.catch(() => undefined);
        else {
          const r = await rm;
          if (r.code !== 0) throw new AgentError('guest', `could not remove guestctl's temp files in the guest (${leftovers.join(' ')}): ${r.stderr.toString().trim()}`);
        }
      }
    }
  }

  /** A direct guest-exec with captured output (internal helpers: short, bounded output). */
  run(argv: string[], opts: Omit<AgentExecOptions, 'output'> = {}): Promise<AgentExecResult> {
    return this.exec(argv, { ...opts, output: 'capture' });
  }

  /** `sh -c SCRIPT sh ARGS...`: a constant script, user data only as positional parameters. */
  sh(script: string, args: string[], opts: Omit<AgentExecOptions, 'output'> = {}): Promise<AgentExecResult> {
    return this.run(['/bin/sh', '-c', script, 'sh', ...args], { env: { LC_ALL: 'C' }, ...opts });
  }

  /** Create an empty file only guestctl can read (umask 077, refuses an existing name). */
  async makePrivateFile(path: string): Promise<void> {
    const r = await this.sh(MAKE_PRIVATE_FILE, [path]);
    if (r.code !== 0) throw new AgentError('guest', `cannot create ${path} in the guest: ${firstLine(r.stderr) || `exit status ${r.code}`}`);
  }

  private async waitExit(pid: number, deadline: number, signal: AbortSignal | undefined, timeoutMs: number, requestTimeoutMs?: number): Promise<ExecStatus> {
    let delay = 1;
    for (;;) {
      const st = await this.request<ExecStatus>('guest-exec-status', { pid }, requestTimeoutMs);
      if (st.exited) return st;
      if (signal?.aborted || Date.now() >= deadline) {
        const unconfirmed = await this.killTree(pid);
        const what = signal?.aborted ? 'cancelled' : `the guest command did not finish within ${Math.round(timeoutMs / 1000)} s`;
        if (unconfirmed) {
          const msg = `${what}, and killing the guest process (pid ${pid}) could not be confirmed: ${unconfirmed}`;
          if (signal?.aborted) throw new CliError('cancelled', msg);
          throw new AgentError('timeout', msg);
        }
        if (signal?.aborted) throw new CliError('cancelled', 'cancelled: the guest process was killed');
        throw new AgentError('timeout', `${what}: it was killed`);
      }
      await abortableSleep(Math.min(delay, Math.max(0, deadline - Date.now())), signal);
      delay = Math.min(delay * 2, 100);
    }
  }

  /**
   * Kill a guest process and its descendants, then reap its status so qemu-ga frees it.
   * Null when guest-exec-status shows it ended; otherwise what went wrong.
   */
  private async killTree(pid: number): Promise<string | null> {
    // The kill script is itself a guest command: if it overruns, do not start a kill of the kill.
    if (this.killing) return 'the kill script itself did not finish in time';
    this.killing = true;
    let problem: string | null = null;
    try {
      const r = await this.sh(KILL_TREE, [String(pid)], { timeoutMs: KILL_TIMEOUT_MS, requestTimeoutMs: KILL_TIMEOUT_MS });
      const complaints = r.stderr.toString('utf8').split('\n').filter((l) => l.trim() && !/No such process/i.test(l));
      if (r.code !== 0 && (r.code !== 1 || complaints.length > 0)) problem = complaints[complaints.length - 1]?.trim() || `the kill script ended with exit status ${r.code}`;
    } catch (err) {
      problem = `the kill could not be run: ${err instanceof Error ? err.message : String(err)}`;
    } finally {
      this.killing = false;
    }
    for (let i = 0; i < 50; i++) {
      let st: ExecStatus;
      try {
        st = await this.request<ExecStatus>('guest-exec-status', { pid }, KILL_TIMEOUT_MS);
      } catch (err) {
        return `${problem ? `${problem}; ` : ''}guest-exec-status failed: ${err instanceof Error ? err.message : String(err)}`;
      }
      if (st.exited) return problem;
      await abortableSleep(20);
    }
    return `${problem ? `${problem}; ` : ''}guest-exec-status still shows it running`;
  }
}

interface ExecStatus {
  exited: boolean;
  exitcode?: number;
  signal?: number;
  'out-data'?: string;
  'err-data'?: string;
  'out-truncated'?: boolean;
  'err-truncated'?: boolean;
}

/** qemu-ga's "Failed to execute child process “x” (No such file or directory)" → the reason. */
function notStartable(err: unknown): string | null {
  if (!(err instanceof AgentError) || err.kind !== 'guest') return null;
  const desc = cleanDesc(err.detail.guestDesc ?? '');
  const m = /Failed to execute child process "[^"]*" \(([^)]*)\)/.exec(desc);
  if (!m) return null;
  return /No such file/.test(m[1]!) ? 'command not found' : m[1]!.toLowerCase();
}

function firstLine(b: Buffer): string {
  return b.toString('utf8').split('\n').map((l) => l.trim()).find(Boolean) ?? '';
}


export interface AgentNetInterface {
  name: string;
  'hardware-address'?: string;
  'ip-addresses'?: { 'ip-address-type': 'ipv4' | 'ipv6'; 'ip-address': string; prefix: number }[];
}
