import { execa } from 'execa';
import { CliError, type ErrorCode } from '../util/errors.js';
import { resolveUri } from '../agent/virsh-transport.js';

// Running `virsh` for host-level jobs (listing, stats, media): argv only, LC_ALL=C so the
// output and error texts are the English ones the parsers and classifiers expect.

export interface VirshOptions {
  /** libvirt URI (--connect); else $LIBVIRT_URI, then $LIBVIRT_DEFAULT_URI, then virsh's default. */
  uri?: string;
  env?: NodeJS.ProcessEnv;
  /** The virsh program (tests). */
  program?: string;
  timeoutMs?: number;
}

export type VirshErrorKind = 'connect' | 'no-domain' | 'unsupported' | 'timeout' | 'failed';

export class VirshError extends CliError {
  constructor(
    readonly kind: VirshErrorKind,
    message: string,
    readonly stderr = '',
    readonly stdout = '',
  ) {
    super(codeOf(kind), message);
    this.name = 'VirshError';
  }
}

function codeOf(kind: VirshErrorKind): ErrorCode {
  if (kind === 'no-domain') return 'not-found';
  if (kind === 'unsupported') return 'unsupported';
  return 'failed';
}

const DEFAULT_TIMEOUT_MS = 60_000;

/** The URI virsh will be given, if any (see resolveUri). */
export function virshUri(opts: VirshOptions): string | undefined {
  return resolveUri(opts.uri, opts.env ?? process.env);
}

/** The host part of a libvirt URI, "localhost" when it has none (qemu:///system, test:///default). */
export function hostOf(uri: string | undefined): string {
  if (!uri) return 'localhost';
  const m = /^[A-Za-z][A-Za-z0-9+.-]*:\/\/(?:[^@/?]*@)?(\[[^\]]*\]|[^:/?]*)/.exec(uri);
  return m && m[1] ? m[1].replace(/^\[|\]$/g, '') : 'localhost';
}

/** Run `virsh [--connect URI] ARGS…` and return its stdout; a failure is a classified VirshError. */
export async function virsh(args: string[], opts: VirshOptions = {}): Promise<string> {
  const uri = virshUri(opts);
  const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const r = await execa(opts.program ?? 'virsh', [...(uri ? ['--connect', uri] : []), ...args], {
    env: { ...(opts.env ?? process.env), LC_ALL: 'C', LANG: 'C', LANGUAGE: '' },
    extendEnv: false,
    stdin: 'ignore',
    reject: false,
    timeout: timeoutMs,
    maxBuffer: 64 << 20,
  });
  const spawnErr = (r as { cause?: NodeJS.ErrnoException }).cause;
  if (spawnErr?.code === 'ENOENT' || (r as { code?: string }).code === 'ENOENT')
    throw new CliError('missing-tool', 'virsh not found: install the Debian package libvirt-clients');
  if (r.timedOut) throw new VirshError('timeout', `virsh ${args[0]} did not finish within ${Math.round(timeoutMs / 1000)} s${uri ? ` (${uri})` : ''}`);
  if (r.exitCode !== 0) {
    const err = classifyVirshError(String(r.stderr ?? ''), { uri, command: args[0]?.split(' ')[0] ?? '' });
    throw new VirshError(err.kind, err.message, err.stderr, String(r.stdout ?? ''));
  }
  return String(r.stdout ?? '');
}

/** An argument for virsh's own command-line parser: single-quoted, a quote inside as '\''. */
export function virshQuote(arg: string): string {
  return `'${arg.replace(/'/g, "'\\''")}'`;
}

/**
 * Several virsh commands in one process (one connection, no process start per command):
 * `virsh "echo MARK0; CMD0 …; echo MARK1; CMD1 …"`, split at the markers. virsh goes on
 * after a failed command: its entry is null (its error went to stderr, unattributed), and
 * the caller asks again on its own to get the error. Fails as a whole only when virsh
 * itself does (e.g. no connection).
 */
export async function virshMany(commands: string[][], opts: VirshOptions = {}): Promise<(string | null)[]> {
  if (commands.length === 0) return [];
  const nonce = Math.random().toString(36).slice(2, 10);
  const mark = (i: number) => `---guestctl-${nonce}-${i}`;
  const script = commands.map((argv, i) => `echo ${mark(i)}; ${argv.map(virshQuote).join(' ')}`).join('; ') + `; echo ${mark(commands.length)}`;
  let stdout: string;
  try {
    stdout = await virsh([script], opts);
  } catch (err) {
    // virsh's status is that of its last command: with the end marker printed, it ran them all.
    if (!(err instanceof VirshError) || !err.stdout.includes(mark(commands.length))) throw err;
    stdout = err.stdout;
  }
  return commands.map((_, i) => {
    const a = stdout.indexOf(`${mark(i)}\n`);
    const b = stdout.indexOf(`${mark(i + 1)}\n`);
    if (a < 0 || b < a) return null;
    const out = stdout.slice(a + mark(i).length + 1, b);
    return out.trim() === '' ? null : out;
  });
}

/**
 * virsh's error text (LC_ALL=C) → one sentence. Real examples:
 *   error: failed to connect to the hypervisor
 *   error: Failed to connect socket to '/var/run/libvirt/libvirt-sock': No such file or directory
 *   error: failed to get domain 'x'
 *   error: this function is not supported by the connection driver: virDomainUpdateDeviceFlags
 */
export function classifyVirshError(stderr: string, ctx: { uri?: string; command: string; domain?: string }): VirshError {
  const lines = stderr
    .split('\n')
    .map((l) => l.trim().replace(/^error:\s*/i, ''))
    .filter(Boolean);
  const text = lines.join('\n');
  const where = ctx.uri ? ` ${ctx.uri}` : '';
  if (/failed to connect to the hypervisor/i.test(text)) {
    const why = lines.find((l) => !/failed to connect to the hypervisor/i.test(l));
    return new VirshError('connect', `cannot connect to libvirt${where}${why ? `: ${why}` : ''}`, stderr);
  }
  const dom = /failed to get domain '(.*)'/i.exec(text) ?? /Domain not found: no domain with matching name '(.*)'/i.exec(text);
  if (dom) return new VirshError('no-domain', `no domain named '${dom[1]}'${ctx.uri ? ` on ${ctx.uri}` : ''} (see: virsh list --all)`, stderr);
  if (/not supported by the connection driver|argument unsupported/i.test(text))
    return new VirshError('unsupported', `the libvirt driver${where} does not support this (virsh ${ctx.command}: ${lines.at(-1)})`, stderr);
  return new VirshError('failed', `virsh ${ctx.command}: ${lines.join(': ') || 'failed without a message'}`, stderr);
}
