// Run the guest's own programs offline, in a jail made by bubblewrap (see jail-args.ts for
// what the jail is, and the README's safety model for what it guarantees).
//
//   bash -c CLOSE_OTHER_FDS setpriv --pdeathsig KILL bwrap <jailArgs> -- ARGV...
//
// setpriv: if guestctl dies (even by SIGKILL) the kernel kills bwrap, and bwrap's
// --die-with-parent takes the jail's pid 1, and with it every process of the jail.

import { accessSync, constants as fsConstants, lstatSync, promises as fsp, statSync } from 'node:fs';
import { constants as osConstants } from 'node:os';
import path from 'node:path';
import type { Readable, Writable } from 'node:stream';
import { execa } from 'execa';
import { CliError } from '../util/errors.js';
import { firstLine, missingToolError } from '../util/run-tool.js';
import type { ResourceStack } from '../resources/stack.js';
import { jailArgs, parseJailStatus, type JailBlockDevice } from './jail-args.js';
import { childPidOf, endJail, killJail } from './jail-process.js';
import { JAIL_RESOLV_CONF, startJailNetwork, type JailNetwork } from './jail-network.js';
import { acquirePolicyRcD } from './policy-rc-d.js';
import { resolveGuestPath } from './resolve.js';
import type { ExecOptions, ExecResult } from './types.js';

export const DEFAULT_GUEST_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';
/** Where the host's own tools (setpriv, bwrap, slirp4netns) are looked up. */
const HOST_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';
// Node passes on every descriptor guestctl itself inherited without close-on-exec (a test
// runner's pipe, a caller's socket), and neither setpriv nor bwrap closes them: bash closes
// all but stdio and bwrap's own before anything of the guest runs. (--norc: bash reads ~/.bashrc
// even non-interactive when its stdin is a socket, as Node's pipes are.)
const CLOSE_OTHER_FDS = 'for f in /proc/$$/fd/*; do n=${f##*/}; if [ "$n" -gt 5 ] && [ -e "/proc/$$/fd/$n" ]; then exec {n}>&-; fi; done; exec "$@"';
const STATUS_FD = 3;
const BLOCK_FD = 4;
const RESOLV_FD = 5;

export interface SandboxOptions extends ExecOptions {
  /** Hostname inside the sandbox (default: the host's). */
  hostname?: string;
  /** Debian-family guest: keep services from starting with a temporary /usr/sbin/policy-rc.d. */
  debianFamily?: boolean;
  /** The session is read-only: the jail sees the guest root (and every mount in it) read-only. */
  readOnly?: boolean;
  /** The session's resource stack: what the jail writes into the guest is recorded there. */
  stack?: ResourceStack;
  /** With blockDevices: the devices the session mounted from (see ExecOptions.blockDevices). */
  devices?: JailBlockDevice[];
}

export async function sandboxExec(root: string, argv: string[], opts: SandboxOptions = {}): Promise<ExecResult> {
  const prog = argv[0];
  if (!prog) throw new CliError('usage', 'run: no program given');
  for (const a of argv) if (a.includes('\0')) throw new CliError('usage', 'run: arguments cannot contain NUL bytes');
  const hostname = opts.hostname ?? '';
  // The kernel takes any bytes up to 64; only refuse what cannot be a hostname at all.
  if (Buffer.byteLength(hostname) > 64 || /[\x00-\x1f\x7f]/.test(hostname)) {
    throw new CliError('usage', `run: not a valid hostname: ${JSON.stringify(hostname)}`);
  }
  const hostRoot = path.resolve(root);
  const st = await fsp.stat(hostRoot).catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT' || err.code === 'ENOTDIR') return null;
    throw err;
  });
  if (!st?.isDirectory()) throw new CliError('failed', `sandbox: the guest root is not a directory: ${hostRoot}`);

  const env = guestEnv(opts.env);
  const cwd = guestDirectory(hostRoot, opts.cwd ?? '/');
  if (!findGuestProgram(hostRoot, prog, env.PATH ?? DEFAULT_GUEST_PATH, cwd)) {
    throw new CliError('not-found', `run: no such program in the guest: '${prog}'`);
  }
  const bwrap = findHostTool('bwrap');
  if (!bwrap) throw missingToolError('bwrap');
  const setpriv = findHostTool('setpriv');
  if (!setpriv) throw missingToolError('setpriv');
  const bash = findHostTool('bash');
  if (!bash) throw missingToolError('bash');
  const slirp = opts.network ? findHostTool('slirp4netns') : undefined;
  if (opts.network && !slirp) throw missingToolError('slirp4netns');
  // CAP_NET_ADMIN is only harmless over the jail's own namespace while it has no way out.
  if (opts.network && opts.netAdmin) throw new CliError('usage', 'run: network and netAdmin cannot be combined');
  if (opts.blockDevices && !opts.devices?.length) throw new CliError('unsupported', 'run: this guest has no block devices to give the jail');
  if (opts.blockDevices && !isRealDir(path.join(hostRoot, 'dev'))) throw new CliError('unsupported', 'run: the guest has no /dev directory to bind its block devices into');

  const release = opts.debianFamily && !opts.readOnly ? await acquirePolicyRcD(hostRoot, opts.stack) : undefined;
  let result: ExecResult;
  try {
    result = await runJailRetryingLoopback({ hostRoot, argv, prog, cwd, env, bwrap, setpriv, bash, slirp, hostname, opts });
  } catch (err) {
    // Both failed: one line with both causes (the record stays for `guestctl cleanup`).
    const removal = await release?.().then(
      () => null,
      (e: unknown) => e as Error,
    );
    if (!removal) throw err;
    const code = err instanceof CliError ? err.code : 'failed';
    throw new CliError(code, `${(err as Error).message}; and ${removal.message}`, { cause: err });
  }
  await release?.();
  return result;
}

/** The program's environment: clean, with PATH, HOME, LANG and TERM defaults, then opts.env. */
function guestEnv(extra: Record<string, string> | undefined): Record<string, string> {
  const env: Record<string, string> = { PATH: DEFAULT_GUEST_PATH, HOME: '/root', LANG: 'C.UTF-8' };
  if (process.env.TERM) env.TERM = process.env.TERM;
  for (const [k, v] of Object.entries(extra ?? {})) {
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(k)) throw new CliError('usage', `run: not a valid environment variable name: '${k}'`);
    if (String(v).includes('\0')) throw new CliError('usage', `run: the value of ${k} cannot contain NUL bytes`);
    env[k] = String(v);
  }
  return env;
}

/** The canonical guest path of the start directory (symlinks resolved inside the guest). */
function guestDirectory(hostRoot: string, dir: string): string {
  if (dir.includes('\0')) throw new CliError('usage', 'run: the directory cannot contain NUL bytes');
  let r;
  try {
    r = resolveGuestPath(hostRoot, path.posix.resolve('/', dir));
  } catch {
    r = null; // a missing or non-directory component on the way
  }
  if (r?.kind !== 'directory') throw new CliError('not-found', `run: no such directory in the guest: '${dir}'`);
  return r.guestPath;
}

/** Look argv[0] up the way execvp will inside the jail: PATH (or the path given), in the guest. */
function findGuestProgram(hostRoot: string, prog: string, pathVar: string, cwd: string): boolean {
  const candidates = prog.includes('/') ? [prog] : pathVar.split(':').map((d) => `${d || '.'}/${prog}`);
  for (const c of candidates) {
    try {
      const r = resolveGuestPath(hostRoot, c, { cwd });
      if (r.kind === null || r.kind === 'directory') continue;
      if (statSync(r.hostPath).isFile()) return true;
    } catch {
      continue; // not along this PATH entry
    }
  }
  return false;
}

interface RunPlan {
  hostRoot: string;
  argv: string[];
  prog: string;
  cwd: string;
  env: Record<string, string>;
  bwrap: string;
  setpriv: string;
  bash: string;
  slirp: string | undefined;
  hostname: string;
  opts: SandboxOptions;
}

/**
 * bwrap's set-up of the loopback interface in the jail's new network namespace now and then
 * fails with a spurious netlink error (seen here: "loopback: Failed RTM_NEWADDR: No child
 * processes"). The program has not started at that point, so a second try is safe.
 */
async function runJailRetryingLoopback(p: RunPlan): Promise<ExecResult> {
  try {
    return await runJail(p);
  } catch (err) {
    if (!(err instanceof CliError) || !/^sandbox setup failed: loopback: /.test(err.message) || p.opts.signal?.aborted) throw err;
    return runJail(p);
  }
}

async function runJail(p: RunPlan): Promise<ExecResult> {
  const { opts } = p;
  if (opts.signal?.aborted) throw cancelled(p.prog, opts.signal);
  const network = p.slirp !== undefined;
  const mountable = (name: string) => isRealDir(path.join(p.hostRoot, name));
  const resolvTarget = network ? resolvConfTarget(p.hostRoot) : null;
  const args = jailArgs({
    root: p.hostRoot,
    readOnly: opts.readOnly === true,
    proc: mountable('proc'),
    dev: mountable('dev'),
    sys: mountable('sys'),
    run: mountable('run'),
    hostname: p.hostname,
    cwd: p.cwd,
    statusFd: STATUS_FD,
    blockFd: network ? BLOCK_FD : undefined,
    resolvConf: resolvTarget ? { fd: RESOLV_FD, path: resolvTarget } : undefined,
    netAdmin: opts.netAdmin === true,
    devices: opts.blockDevices ? opts.devices : undefined,
    argv: p.argv,
  });

  const inherit = opts.inherit === true;
  const extraFds: ('pipe' | 'ignore')[] = network ? ['pipe', 'pipe', resolvTarget ? 'pipe' : 'ignore'] : ['pipe'];
  const child = execa(p.bash, ['--norc', '--noprofile', '-c', CLOSE_OTHER_FDS, 'guestctl-jail', p.setpriv, '--pdeathsig', 'KILL', p.bwrap, ...args], {
    reject: false,
    stripFinalNewline: false,
    extendEnv: false,
    // bwrap hands its own environment to the program: exactly the guest's, nothing of the host's.
    env: p.env,
    cwd: '/',
    // Its own process group, so the whole of it can be killed, and so a Ctrl-C at the terminal
    // reaches guestctl alone, which cancels the run (were bwrap in the terminal's foreground group,
    // the SIGINT could end it before guestctl's handler ran, and the cancel would look like a
    // set-up failure). bwrap's --new-session keeps the program away from the terminal (no TIOCSTI).
    detached: true,
    stdio: [inherit ? 'inherit' : 'pipe', inherit ? 'inherit' : 'pipe', inherit ? 'inherit' : 'pipe', ...extraFds],
    ...(inherit ? {} : { input: opts.stdin ?? '' }),
    maxBuffer: 256 * 1024 * 1024,
  });
  const fds = child.stdio as unknown as (Readable & Writable)[];
  let statusText = '';
  const statusStream = fds[STATUS_FD]!;
  statusStream.on('data', (d: Buffer) => (statusText += d.toString()));
  if (resolvTarget) fds[RESOLV_FD]!.end(JAIL_RESOLV_CONF);
  if (opts.onOutput && !inherit) {
    const onOutput = opts.onOutput;
    for (const stream of [child.stdout, child.stderr]) stream?.on('data', (d: Buffer) => onOutput(d.toString()));
  }

  let stopped: 'signal' | 'timeout' | undefined;
  const stop = (why: 'signal' | 'timeout') => {
    if (stopped || child.pid === undefined) return;
    stopped = why;
    const outer = child.pid;
    // Kill once the jail's pid 1 is known (bwrap reports it right after creating it): a pid 1
    // created after bwrap died, before --die-with-parent took hold, would otherwise live on.
    void childPidOf(fds[STATUS_FD]!, () => statusText, child).then((pid) => {
      killJail(outer, true);
      if (pid !== undefined) killJail(pid, false);
    });
  };
  const onAbort = () => stop('signal');
  opts.signal?.addEventListener('abort', onAbort, { once: true });
  const timer = opts.timeoutMs !== undefined && opts.timeoutMs > 0 ? setTimeout(() => stop('timeout'), opts.timeoutMs) : undefined;

  let net: JailNetwork | undefined;
  let netError: unknown;
  let r;
  try {
    if (network) {
      try {
        const pid = await childPidOf(statusStream, () => statusText, child);
        if (pid !== undefined) {
          net = await startJailNetwork(p.slirp!, pid, opts.signal);
          fds[BLOCK_FD]!.end('go');
        }
      } catch (err) {
        netError = err;
        if (child.pid !== undefined) killJail(child.pid, true);
      }
    }
    r = await child;
  } finally {
    opts.signal?.removeEventListener('abort', onAbort);
    if (timer) clearTimeout(timer);
    await net?.stop();
  }
  const status = parseJailStatus(statusText);
  if (status.childPid !== undefined) await endJail(status.childPid);

  if (stopped === 'signal') throw cancelled(p.prog, opts.signal);
  if (stopped === 'timeout') throw new CliError('cancelled', `run: timed out after ${opts.timeoutMs} ms: ${p.prog}`);
  if (netError) throw netError;
  if (r.isMaxBuffer) throw new CliError('failed', `run: ${p.prog}: output too large to capture`);

  const stdout = inherit ? '' : String(r.stdout ?? '');
  const stderr = inherit ? '' : String(r.stderr ?? '');
  if (status.exitCode === undefined) {
    // bwrap reports an exit code only for a program it started: this is its own failure.
    const detail = stderr.split('\n').find((l) => l.startsWith('bwrap: '))?.slice('bwrap: '.length) ?? (inherit ? 'see the message above' : firstLine(stderr) || describeExit(r));
    if (/^execvp /.test(detail)) throw new CliError('failed', `run: cannot execute '${p.prog}' in the guest: ${detail.replace(/^execvp [^:]*: /, '')}`);
    throw new CliError('failed', `sandbox setup failed: ${detail}`);
  }
  return { code: status.exitCode, stdout, stderr };
}

/** The guest path /etc/resolv.conf leads to when it is (or links to) a regular file in the guest. */
function resolvConfTarget(hostRoot: string): string | null {
  try {
    const r = resolveGuestPath(hostRoot, '/etc/resolv.conf');
    return r.kind === 'other' && statSync(r.hostPath).isFile() ? r.guestPath : null;
  } catch {
    return null; // a dangling or looping link: the jail gets no DNS configuration
  }
}

/** Only a real directory (never a symlink) of the guest becomes a mount point. */
function isRealDir(p: string): boolean {
  return lstatSync(p, { throwIfNoEntry: false })?.isDirectory() === true;
}

function cancelled(prog: string, signal: AbortSignal | undefined): CliError {
  return new CliError('cancelled', `run: cancelled: ${prog}`, { cause: signal?.reason });
}

function describeExit(r: { exitCode?: number; signal?: string }): string {
  if (r.signal) return `killed by ${r.signal} (${128 + ((osConstants.signals as Record<string, number | undefined>)[r.signal] ?? 0)})`;
  return `exit status ${r.exitCode}`;
}

function findHostTool(name: string): string | undefined {
  for (const dir of HOST_PATH.split(':')) {
    const candidate = path.join(dir, name);
    try {
      if (!statSync(candidate).isFile()) continue;
      accessSync(candidate, fsConstants.X_OK);
      return candidate;
    } catch {
      continue; // not in this directory
    }
  }
  return undefined;
}
