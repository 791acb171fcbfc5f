// Getting a password and hashing it the guest's way. The password only ever travels as
// bytes: from the host file or the no-echo prompt, to the hash function, or to the guest's
// own crypt tool on its STANDARD INPUT (never argv, environment, a log or a file); the
// buffers are zeroed once the hash exists.

import { constants as fsConstants, openSync, promises as fsp } from 'node:fs';
import { Socket } from 'node:net';
import type { Guest } from '../guest/types.js';
import { readOptional } from '../guest/file-changes.js';
import type { LoginDefs } from '../parsers/login-defs.js';
import type { Prompter } from '../util/prompter.js';
import { CliError, describeError, errnoText } from '../util/errors.js';
import { findGuestProgram } from './accounts.js';
import { runWithStdin } from './host-crypt.js';
import { newShaSetting, shaCrypt } from './crypt/sha-crypt.js';
import { isYescryptHash, newYescryptSetting, yescryptParams } from './crypt/yescrypt.js';
import { chooseHashMethod, PAM_PASSWORD_FILES, type MethodChoice } from './hash-method.js';

/**
 * The first line of a HOST file (no line terminator), as bytes. A FIFO works too (e.g.
 * `--password-file <(pass show x)`): it is read until its first newline or EOF, and
 * `signal` (Ctrl-C) cancels the wait.
 */
export async function passwordFromFile(hostPath: string, signal?: AbortSignal): Promise<Buffer> {
  let data: Buffer;
  try {
    const st = await fsp.stat(hostPath);
    if (st.isFIFO()) data = await readFifoLine(hostPath, signal);
    else if (!st.isFile()) throw new CliError('usage', `--password-file ${hostPath}: not a regular file or a pipe`);
    else data = await fsp.readFile(hostPath);
  } catch (err) {
    if (err instanceof CliError) throw err;
    const code = (err as NodeJS.ErrnoException).code ?? '';
    throw new CliError('not-found', `--password-file ${hostPath}: ${errnoText[code] ?? describeError(err)}`);
  }
  const nl = data.indexOf(0x0a);
  let end = nl < 0 ? data.length : nl;
  if (end > 0 && data[end - 1] === 0x0d) end--;
  const pw = Buffer.from(data.subarray(0, end));
  data.fill(0);
  return checkPassword(pw);
}

/** Non-blocking open, so a FIFO without a writer cannot hang guestctl beyond a Ctrl-C. */
async function readFifoLine(path: string, signal?: AbortSignal): Promise<Buffer> {
  // The socket owns the descriptor from here on (destroy() closes it).
  const sock = new Socket({ fd: openSync(path, fsConstants.O_RDONLY | fsConstants.O_NONBLOCK), readable: true, writable: false });
  const parts: Buffer[] = [];
  try {
    return await new Promise<Buffer>((resolve, reject) => {
      const done = () => resolve(Buffer.concat(parts));
      const onAbort = () => reject(new CliError('cancelled', 'cancelled while waiting for the password: nothing changed'));
      if (signal?.aborted) return onAbort();
      signal?.addEventListener('abort', onAbort, { once: true });
      sock.on('data', (d: Buffer) => {
        parts.push(d);
        if (d.includes(0x0a)) done();
      });
      sock.on('end', done);
      sock.on('error', reject);
    });
  } finally {
    sock.destroy();
    for (const p of parts) p.fill(0);
  }
}

/** Ask twice without echo (a terminal is required). */
export async function passwordFromPrompt(prompt: Prompter, user: string): Promise<Buffer> {
  if (!prompt.interactive) throw new CliError('usage', `no terminal to ask the new password of '${user}' on: pass --password-file HOSTFILE`);
  const a = Buffer.from(await prompt.password(`New password for ${user}`), 'utf8');
  const b = Buffer.from(await prompt.password(`Retype the new password for ${user}`), 'utf8');
  const same = a.equals(b);
  b.fill(0);
  if (!same) {
    a.fill(0);
    throw new CliError('failed', 'the two passwords do not match: nothing changed');
  }
  return checkPassword(a);
}

function checkPassword(pw: Buffer): Buffer {
  if (pw.length === 0) throw new CliError('usage', 'the password is empty: use --delete for an account without a password');
  if (pw.includes(0)) {
    pw.fill(0);
    throw new CliError('usage', 'the password contains a NUL byte, which crypt(3) cannot take');
  }
  return pw;
}

export async function guestHashMethod(guest: Guest, defs: LoginDefs): Promise<MethodChoice> {
  const pam: { path: string; text: string }[] = [];
  for (const path of PAM_PASSWORD_FILES) {
    const text = await readOptional(guest, path).catch(() => null);
    if (text !== null) pam.push({ path, text });
  }
  return chooseHashMethod(pam, defs);
}

export interface HashResult {
  hash: string;
  method: MethodChoice['method'];
  /** How it was computed, e.g. "the guest's mkpasswd". */
  via: string;
  notes: string[];
}

const cancelled = () => new CliError('cancelled', 'cancelled while hashing the password: nothing changed');

function firstLine(text: string): string {
  return text.trim().split('\n')[0] ?? '';
}

function howEnded(code: number | null, signal: string | number | null, stderr: string): string {
  if (signal) return `it was killed by ${typeof signal === 'number' ? `signal ${signal}` : signal}`;
  return firstLine(stderr) || `exit status ${code}`;
}

/** The prefix a yescrypt hash of this cost starts with (libxcrypt's encoding), or '$y$' for a cost it does not know. */
function yescryptPrefix(cost: number | undefined): string {
  return cost === undefined || (Number.isInteger(cost) && cost >= 1 && cost <= 11) ? `$y$${yescryptParams(cost)}$` : '$y$';
}

/**
 * yescrypt with the HOST's mkpasswd (Debian package whois; libxcrypt, salt from
 * getrandom), password on stdin. Null when the host has no mkpasswd that knows yescrypt.
 */
async function yescryptOnHost(password: Buffer, cost: number | undefined, signal?: AbortSignal): Promise<{ hash: string; via: string } | null> {
  let methods: string;
  try {
    methods = (await runWithStdin('mkpasswd', ['--method=help'], Buffer.alloc(0), signal)).stdout;
  } catch (err) {
    if (signal?.aborted) throw cancelled();
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new CliError('failed', `cannot run the host's mkpasswd: ${describeError(err)}: nothing changed`);
  }
  if (!/^yescrypt\s/m.test(methods)) return null;
  const input = Buffer.concat([password, Buffer.from('\n')]);
  try {
    const r = await runWithStdin('mkpasswd', ['--method=yescrypt', '--stdin', ...(cost !== undefined ? [`--rounds=${cost}`] : [])], input, signal);
    const hash = r.stdout.trim();
    if (r.code === 0 && isYescryptHash(hash) && hash.startsWith(yescryptPrefix(cost))) return { hash, via: "the host's mkpasswd" };
    const why = r.code === 0 ? `it printed no yescrypt hash` : howEnded(r.code, r.signal, r.stderr);
    throw new CliError('failed', `hashing the password with the host's mkpasswd failed${cost !== undefined ? ` (yescrypt cost ${cost})` : ''}: ${why}: nothing changed`);
  } catch (err) {
    if (signal?.aborted) throw cancelled();
    if (err instanceof CliError) throw err;
    throw new CliError('failed', `cannot run the host's mkpasswd: ${describeError(err)}: nothing changed`);
  } finally {
    input.fill(0);
  }
}

/** Ways to reach the guest's libcrypt for yescrypt; the password always goes on stdin. */
interface CryptRunner {
  program: string;
  argv(setting: string, cost: number | undefined): string[];
  /** The runner makes its own salt (from the guest's CSPRNG). */
  ownSalt?: boolean;
}

const RUNNERS: CryptRunner[] = [
  // whois' mkpasswd: crypt_gensalt() salt from getrandom(), password read from stdin.
  { program: 'mkpasswd', ownSalt: true, argv: (_s, cost) => ['mkpasswd', '--method=yescrypt', '--stdin', ...(cost !== undefined ? [`--rounds=${cost}`] : [])] },
  // perl-base is essential on Debian/Ubuntu: crypt() is the guest's libcrypt.
  { program: 'perl', argv: (s) => ['perl', '-e', 'my $p = <STDIN>; chomp $p; my $h = crypt($p, $ARGV[0]); print defined $h ? $h : ""', s] },
  // python3 < 3.13 still has the crypt module.
  { program: 'python3', argv: (s) => ['python3', '-c', 'import crypt, sys; sys.stdout.write(crypt.crypt(sys.stdin.readline().rstrip("\\n"), sys.argv[1]) or "")', s] },
];

/**
 * yescrypt by the guest's own libcrypt (when the host has no mkpasswd). A runner whose
 * libcrypt has no yescrypt (crypt() gives nothing) is skipped; one that fails or is
 * killed fails the hash. Null when no runner can compute yescrypt.
 */
async function yescryptInGuest(guest: Guest, password: Buffer, cost: number | undefined, signal?: AbortSignal): Promise<{ hash: string; via: string } | null> {
  const input = Buffer.concat([password, Buffer.from('\n')]);
  try {
    for (const r of RUNNERS) {
      if (!(await findGuestProgram(guest, r.program))) continue;
      const setting = newYescryptSetting(cost);
      let res;
      try {
        res = await guest.exec(r.argv(setting, cost), { stdin: input, signal });
      } catch (err) {
        if (signal?.aborted) throw cancelled();
        throw new CliError('failed', `hashing the password with the guest's ${r.program} failed: ${describeError(err)}: nothing changed`);
      }
      if (signal?.aborted) throw cancelled();
      const hash = res.stdout.trim();
      if (res.code !== 0) throw new CliError('failed', `hashing the password with the guest's ${r.program} failed: ${howEnded(res.code, null, res.stderr)}: nothing changed`);
      if (hash === '' || (!r.ownSalt && !hash.startsWith('$y$'))) continue; // this libcrypt has no yescrypt
      const ok = isYescryptHash(hash) && (r.ownSalt ? hash.startsWith(yescryptPrefix(cost)) : hash.startsWith(`${setting}$`));
      if (!ok) throw new CliError('failed', `the guest's ${r.program} printed something that is not the expected yescrypt hash: nothing changed`);
      return { hash, via: `the guest's ${r.program}` };
    }
    return null;
  } finally {
    input.fill(0);
  }
}

/**
 * Hash `password` with the guest's method. yescrypt: the host's mkpasswd (the guest only
 * needs the hash), else the guest's own libcrypt, else SHA-512 with a note. A tool that
 * fails, or a cancel, fails the whole operation: nothing is written.
 */
export async function hashPassword(guest: Guest, password: Buffer, choice: MethodChoice, signal?: AbortSignal): Promise<HashResult> {
  const notes = choice.note ? [choice.note] : [];
  if (choice.method === 'yescrypt') {
    const r = (await yescryptOnHost(password, choice.rounds, signal)) ?? (await yescryptInGuest(guest, password, choice.rounds, signal));
    if (r) return { hash: r.hash, method: 'yescrypt', via: r.via, notes };
    notes.push(
      `neither the host (mkpasswd, Debian package whois) nor the guest (mkpasswd, perl or python3 with libxcrypt) can compute yescrypt: wrote a SHA-512 hash instead, which the guest accepts too`,
    );
    return { hash: shaCrypt(password, newShaSetting('6')), method: 'sha512', via: 'guestctl', notes };
  }
  if (signal?.aborted) throw cancelled();
  const variant = choice.method === 'sha256' ? '5' : '6';
  return { hash: shaCrypt(password, newShaSetting(variant, choice.rounds)), method: choice.method, via: 'guestctl', notes };
}
