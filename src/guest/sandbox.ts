// Run the guest's own programs offline: chroot into the mounted guest root inside private
// mount, pid, uts, ipc and (unless asked otherwise) network namespaces.
//
//   unshare --mount --propagation private --pid --fork --kill-child --uts --ipc [--net] \
//     -- /bin/sh -c SANDBOX_SCRIPT guestctl-sandbox ROOT NET HOSTNAME PATH CWD ARGV0 UNSHARE \
//        env -i NAME=VALUE... UNSHARE --root=ROOT --wd=CWD -- ARGV...
//
// The script (sandbox-script.ts) is pid 1 of the new pid namespace: it mounts proc, a minimal
// /dev and a read-only sysfs under ROOT (only onto real directories, never through symlinks),
// brings lo up, sets the hostname, looks argv[0] up inside the guest, then runs the program as
// its child and exits with its status. When pid 1 exits the kernel kills everything left in
// the pid namespace and the private mounts vanish with the mount namespace.
//
// This is a guard against accidents (services starting, network traffic, host processes being
// signalled), not a jail for hostile binaries: the program runs as the host's root.

import { accessSync, constants as fsConstants, promises as fsp, readFileSync, readdirSync, statSync } from 'node:fs';
import { constants as osConstants } from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { CliError } from '../util/errors.js';
import { missingToolError } from '../util/run-tool.js';
import { elfArch, hostArchName } from '../parsers/elf.js';
import { SANDBOX_SCRIPT } from './sandbox-script.js';
import type { ExecOptions, ExecResult } from './types.js';

export const DEFAULT_GUEST_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';
/** PATH for the host side of the sandbox (unshare, mount, ip, env, hostname). */
const HOST_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

export interface SandboxOptions extends ExecOptions {
  /** Hostname inside the sandbox (default: the host's). */
  hostname?: string;
  /** Debian-family guest: keep services from starting with a temporary /usr/sbin/policy-rc.d. */
  debianFamily?: boolean;
}

export async function sandboxExec(root: string, argv: string[], opts: SandboxOptions = {}): Promise<ExecResult> {
  const prog = argv[0];
  if (!prog) throw new CliError('usage', 'run: no program given');
  for (const a of argv) if (a.includes('\0')) throw new CliError('usage', 'run: arguments cannot contain NUL bytes');
  const hostname = opts.hostname;
  // The kernel takes any bytes up to 64; only refuse what cannot be a hostname at all.
  if (hostname && (Buffer.byteLength(hostname) > 64 || /[\x00-\x1f\x7f]/.test(hostname))) {
    throw new CliError('usage', `run: not a valid hostname: ${JSON.stringify(hostname)}`);
  }
  const cwd = opts.cwd ? path.posix.resolve('/', opts.cwd) : '/';
  if (cwd.includes('\0')) throw new CliError('usage', 'run: the directory cannot contain NUL bytes');

  const hostRoot = path.resolve(root);
  const st = await fsp.stat(hostRoot).catch(() => null);
  if (!st?.isDirectory()) throw new CliError('failed', `sandbox: the guest root is not a directory: ${hostRoot}`);

  const unshare = findHostTool('unshare');
  if (!unshare) throw missingToolError('unshare');

  const env = guestEnv(opts.env);
  const envArgs = Object.entries(env).map(([k, v]) => `${k}=${v}`);

  const release = opts.debianFamily ? await acquirePolicyRcD(hostRoot) : undefined;
  try {
    return await runSandbox({ hostRoot, argv, prog, cwd, env, envArgs, unshare, hostname: hostname ?? '', opts });
  } finally {
    await release?.();
  }
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

interface RunPlan {
  hostRoot: string;
  argv: string[];
  prog: string;
  cwd: string;
  env: Record<string, string>;
  envArgs: string[];
  unshare: string;
  hostname: string;
  opts: SandboxOptions;
}

async function runSandbox(p: RunPlan): Promise<ExecResult> {
  const { opts } = p;
  const nsArgs = ['--mount', '--propagation', 'private', '--pid', '--fork', '--kill-child', '--uts', '--ipc'];
  if (!opts.network) nsArgs.push('--net');
  const args = [
    ...nsArgs,
    '--',
    '/bin/sh',
    '-c',
    SANDBOX_SCRIPT,
    'guestctl-sandbox',
    p.hostRoot,
    opts.network ? '1' : '0',
    p.hostname,
    p.env.PATH ?? DEFAULT_GUEST_PATH,
    p.cwd,
    p.prog,
    p.unshare,
    'env',
    '-i',
    ...p.envArgs,
    p.unshare,
    `--root=${p.hostRoot}`,
    `--wd=${p.cwd}`,
    '--',
    ...p.argv,
  ];

  if (opts.signal?.aborted) throw cancelled(p.prog, opts.signal);

  const inherit = opts.inherit === true;
  // setpriv --pdeathsig: if guestctl itself dies (even by SIGKILL), the kernel kills unshare,
  // and --kill-child takes the whole sandbox with it, so nothing keeps the guest's mounts busy.
  const child = execa('setpriv', ['--pdeathsig', 'KILL', p.unshare, ...args], {
    reject: false,
    stripFinalNewline: false,
    extendEnv: false,
    env: { PATH: HOST_PATH, LC_ALL: 'C' },
    cwd: '/',
    // Captured runs get their own session: no controlling terminal to prompt on, and the whole
    // process group can be killed. Interactive runs stay in the terminal's foreground group.
    detached: !inherit,
    stdio: [inherit ? 'inherit' : 'pipe', inherit ? 'inherit' : 'pipe', inherit ? 'inherit' : 'pipe', 'pipe'],
    ...(inherit ? {} : { input: opts.stdin ?? '' }),
    maxBuffer: 256 * 1024 * 1024,
  });

  let stopped: 'signal' | 'timeout' | undefined;
  let fallbackTimer: NodeJS.Timeout | undefined;
  const stop = (why: 'signal' | 'timeout') => {
    if (stopped || child.pid === undefined) return;
    stopped = why;
    fallbackTimer = killSandbox(child.pid, !inherit);
  };
  const onAbort = () => stop('signal');
  opts.signal?.addEventListener('abort', onAbort, { once: true });
  const timer = opts.timeoutMs !== undefined && opts.timeoutMs > 0 ? setTimeout(() => stop('timeout'), opts.timeoutMs) : undefined;

  let r;
  try {
    r = await child;
  } finally {
    opts.signal?.removeEventListener('abort', onAbort);
    if (timer) clearTimeout(timer);
    // unshare is gone and reaped: its pid may be reused, never signal it again
    if (fallbackTimer) clearTimeout(fallbackTimer);
  }

  const spawnErr = (r as { cause?: NodeJS.ErrnoException }).cause;
  if (spawnErr?.code === 'ENOENT' && r.exitCode === undefined) throw missingToolError('unshare');
  if (stopped === 'signal') throw cancelled(p.prog, opts.signal);
  if (stopped === 'timeout') throw new CliError('cancelled', `run: timed out after ${opts.timeoutMs} ms: ${p.prog}`);
  if (r.isMaxBuffer) throw new CliError('failed', `run: ${p.prog}: output too large to capture`);

  const stdout = inherit ? '' : String(r.stdout ?? '');
  const stderr = inherit ? '' : String(r.stderr ?? '');
  const control = String(r.stdio[3] ?? '').split('\n').filter((l) => l.length > 0);
  const code = r.exitCode ?? (r.signal ? 128 + signalNumber(r.signal) : 1);

  if (!control.includes('ready')) {
    const setup = control.find((l) => l.startsWith('setup '));
    if (setup) throw new CliError('failed', `sandbox setup failed: ${setup.slice('setup '.length).trim()}`);
    if (control.includes('notfound')) throw new CliError('not-found', `run: no such program in the guest: '${p.prog}'`);
    if (control.includes('nocwd')) throw new CliError('not-found', `run: no such directory in the guest: '${p.cwd}'`);
    // unshare itself (or /bin/sh on the host) failed before the script could report anything.
    const detail = firstLine(stderr) || (r.signal ? `killed by ${r.signal}` : `exit status ${code}`);
    throw new CliError('failed', `sandbox setup failed: creating the namespaces: ${detail}`);
  }

  // No /bin/sh in the guest to look the program up with: recognise the exec failure of the
  // chroot helper (util-linux exits 127 with "failed to execute NAME: No such file or directory").
  if (code === 127 && !inherit && stderr.startsWith(`unshare: failed to execute ${p.prog}: No such file or directory`)) {
    throw new CliError('not-found', `run: no such program in the guest: '${p.prog}'`);
  }

  return { code, stdout, stderr };
}

/**
 * Kill the sandbox: SIGKILL its pid 1 first (the kernel then kills every process in the pid
 * namespace and unshare exits once they are all gone, so nothing outlives the call), then the
 * unshare process (group) itself as a fallback.
 */
function killSandbox(unsharePid: number, group: boolean): NodeJS.Timeout | undefined {
  const kids = childrenOf(unsharePid);
  for (const pid of kids) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      /* already gone */
    }
  }
  const fallback = () => {
    try {
      process.kill(group ? -unsharePid : unsharePid, 'SIGKILL');
    } catch {
      /* already gone */
    }
  };
  if (kids.length === 0) {
    // not forked yet (or already gone): kill unshare now; --kill-child takes its child along
    fallback();
    return undefined;
  }
  // Give unshare a moment to reap its child and exit by itself (so the namespaces are fully
  // torn down when the call returns); then kill it too (--kill-child covers what is left).
  // The caller cancels this timer as soon as unshare has exited.
  return setTimeout(fallback, 2000);
}

function childrenOf(pid: number): number[] {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8')
      .split(/\s+/)
      .filter(Boolean)
      .map(Number);
  } catch {
    // Kernels without CONFIG_PROC_CHILDREN: scan /proc for processes whose parent is pid.
    const out: number[] = [];
    for (const name of safeReaddir('/proc')) {
      if (!/^\d+$/.test(name)) continue;
      try {
        const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
        const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
        if (ppid === pid) out.push(Number(name));
      } catch {
        /* gone */
      }
    }
    return out;
  }
}

function safeReaddir(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

function cancelled(prog: string, signal: AbortSignal | undefined): CliError {
  return new CliError('cancelled', `run: cancelled: ${prog}`, { cause: signal?.reason });
}

function signalNumber(name: string): number {
  return (osConstants.signals as Record<string, number | undefined>)[name] ?? 0;
}

function firstLine(text: string): string {
  return text.split('\n').map((l) => l.trim()).find((l) => l.length > 0) ?? '';
}

function findHostTool(name: string): string | undefined {
  const dirs = [...(process.env.PATH ?? '').split(':'), ...HOST_PATH.split(':')].filter((d) => d.startsWith('/'));
  for (const dir of new Set(dirs)) {
    const candidate = path.join(dir, name);
    try {
      if (!statSync(candidate).isFile()) continue;
      accessSync(candidate, fsConstants.X_OK);
      return candidate;
    } catch {
      /* next */
    }
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// policy-rc.d: Debian's invoke-rc.d asks /usr/sbin/policy-rc.d whether it may start a service;
// exit 101 means "no". Created for the duration of the call when it does not exist, removed
// afterwards. Calls running at the same time on the same root share one file (reference count).

const POLICY_RC_D = '#!/bin/sh\nexit 101\n';

interface PolicyHold {
  count: number;
  created: { dev: number; ino: number } | null;
}
const policyHolds = new Map<string, PolicyHold>();

async function isRealDir(p: string): Promise<boolean> {
  const s = await fsp.lstat(p).catch(() => null);
  return s?.isDirectory() === true;
}

async function acquirePolicyRcD(hostRoot: string): Promise<() => Promise<void>> {
  let hold = policyHolds.get(hostRoot);
  if (hold) {
    hold.count++;
  } else {
    hold = { count: 1, created: null };
    policyHolds.set(hostRoot, hold);
    try {
      hold.created = await createPolicyRcD(hostRoot);
    } catch (err) {
      policyHolds.delete(hostRoot);
      throw err;
    }
  }
  const h = hold;
  let released = false;
  return async () => {
    if (released) return;
    released = true;
    if (--h.count > 0) return;
    policyHolds.delete(hostRoot);
    if (h.created) await removePolicyRcD(hostRoot, h.created);
  };
}

/** Create ROOT/usr/sbin/policy-rc.d unless it exists or the way there is not made of real dirs. */
async function createPolicyRcD(hostRoot: string): Promise<{ dev: number; ino: number } | null> {
  const usr = path.join(hostRoot, 'usr');
  const sbin = path.join(usr, 'sbin');
  if (!(await isRealDir(usr)) || !(await isRealDir(sbin))) return null;
  const file = path.join(sbin, 'policy-rc.d');
  let fh;
  try {
    // O_EXCL|O_NOFOLLOW: never follow a symlink, never replace anything that is there.
    fh = await fsp.open(file, fsConstants.O_WRONLY | fsConstants.O_CREAT | fsConstants.O_EXCL | fsConstants.O_NOFOLLOW, 0o755);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EEXIST' || code === 'EROFS' || code === 'ELOOP') return null;
    throw new CliError('failed', `sandbox setup failed: creating /usr/sbin/policy-rc.d: ${(err as Error).message}`);
  }
  try {
    await fh.writeFile(POLICY_RC_D);
    await fh.chmod(0o755);
    const s = await fh.stat();
    return { dev: s.dev, ino: s.ino };
  } catch (err) {
    await fh.close().catch(() => undefined);
    await fsp.unlink(file).catch(() => undefined);
    throw new CliError('failed', `sandbox setup failed: writing /usr/sbin/policy-rc.d: ${(err as Error).message}`);
  } finally {
    await fh.close().catch(() => undefined);
  }
}

/** Remove the file we created, only if the path still leads to it through real directories. */
async function removePolicyRcD(hostRoot: string, created: { dev: number; ino: number }): Promise<void> {
  const usr = path.join(hostRoot, 'usr');
  const sbin = path.join(usr, 'sbin');
  if (!(await isRealDir(usr)) || !(await isRealDir(sbin))) return;
  const file = path.join(sbin, 'policy-rc.d');
  const s = await fsp.lstat(file).catch(() => null);
  if (!s?.isFile() || s.dev !== created.dev || s.ino !== created.ino) return;
  await fsp.unlink(file).catch(() => undefined);
}

// ---------------------------------------------------------------------------------------------
// Architecture check

/** qemu-user binfmt handler names for the architecture names elfArch() reports. */
function qemuArchName(arch: string): string {
  const map: Record<string, string> = {
    amd64: 'x86_64',
    x86_64: 'x86_64',
    i386: 'i386',
    i486: 'i386',
    i586: 'i386',
    i686: 'i386',
    x86: 'i386',
    arm64: 'aarch64',
    aarch64: 'aarch64',
    arm: 'arm',
    armhf: 'arm',
    armel: 'arm',
    armv7l: 'arm',
    ppc64el: 'ppc64le',
    ppc64le: 'ppc64le',
    ppc64: 'ppc64',
    s390x: 's390x',
    riscv64: 'riscv64',
    mips: 'mips',
    mipsel: 'mipsel',
    mips64el: 'mips64el',
    loongarch64: 'loongarch64',
  };
  return map[arch] ?? arch;
}

/** Can this host run the guest's arch natively (same arch, or 32-bit x86 on x86_64)? */
function runsNatively(guest: string, host: string): boolean {
  const g = qemuArchName(guest);
  const h = qemuArchName(host);
  return g === h || (h === 'x86_64' && g === 'i386');
}

function binfmtHandlerEnabled(qemuArch: string): boolean {
  try {
    const text = readFileSync(`/proc/sys/fs/binfmt_misc/qemu-${qemuArch}`, 'utf8');
    return text.split('\n')[0]?.trim() === 'enabled';
  } catch {
    return false;
  }
}

/**
 * Throw when the guest's programs (judged by the ELF header of one of them, e.g. /bin/sh)
 * cannot run on this host: a different architecture with no qemu-user binfmt handler.
 * An unrecognised header is not an error (the sandbox will report what goes wrong).
 */
export function checkArch(guestElfHeader: Buffer): void {
  const info = elfArch(guestElfHeader);
  if (!info) return;
  const host = hostArchName();
  if (runsNatively(info.arch, host)) return;
  if (binfmtHandlerEnabled(qemuArchName(info.arch))) return;
  throw new CliError(
    'unsupported',
    `the guest is ${info.arch} and this host is ${host}: its programs cannot run here (install qemu-user-static and binfmt-support to run foreign binaries)`,
  );
}
