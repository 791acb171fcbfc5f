// Getting a password and hashing it the guest's way. The password only ever travels as
// bytes: from the host file or the no-echo prompt, to the hash function, or to the guest's
// own crypt tool on its STANDARD INPUT (never argv, environment, a log or a file); the
// buffers are zeroed once the hash exists.

import { promises as fsp } from 'node:fs';
import type { Guest } from '../guest/types.js';
import { readOptional } from '../guest/file-changes.js';
import type { LoginDefs } from '../parsers/login-defs.js';
import type { Prompter } from '../shell/prompter.js';
import { CliError, describeError, errnoText } from '../util/errors.js';
import { findGuestProgram } from './accounts.js';
import { newShaSetting, shaCrypt } from './crypt/sha-crypt.js';
import { isYescryptHash, newYescryptSetting, yescryptParams } from './crypt/yescrypt.js';
import { chooseHashMethod, PAM_PASSWORD_FILES, type MethodChoice } from './hash-method.js';

/** The first line of a HOST file (no line terminator), as bytes. */
export async function passwordFromFile(hostPath: string): Promise<Buffer> {
  let data: Buffer;
  try {
    const st = await fsp.stat(hostPath);
    if (!st.isFile()) throw new CliError('usage', `--password-file ${hostPath}: not a regular file`);
    data = await fsp.readFile(hostPath);
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

async function yescryptInGuest(guest: Guest, password: Buffer, cost: number | undefined, signal?: AbortSignal): Promise<{ hash: string; via: string } | null> {
  const input = Buffer.concat([password, Buffer.from('\n')]);
  try {
    for (const r of RUNNERS) {
      if (!(await findGuestProgram(guest, r.program))) continue;
      const setting = newYescryptSetting(cost);
      const res = await guest.exec(r.argv(setting, cost), { stdin: input, signal }).catch(() => null);
      const hash = res && res.code === 0 ? res.stdout.trim() : '';
      const ok = isYescryptHash(hash) && (r.ownSalt ? hash.startsWith(`$y$${yescryptParams(cost)}$`) : hash.startsWith(`${setting}$`));
      if (ok) return { hash, via: `the guest's ${r.program}` };
    }
    return null;
  } finally {
    input.fill(0);
  }
}

/** Hash `password` with the guest's method (yescrypt through the guest's own libcrypt). */
export async function hashPassword(guest: Guest, password: Buffer, choice: MethodChoice, signal?: AbortSignal): Promise<HashResult> {
  const notes = choice.note ? [choice.note] : [];
  if (choice.method === 'yescrypt') {
    const r = await yescryptInGuest(guest, password, choice.rounds, signal);
    if (r) return { hash: r.hash, method: 'yescrypt', via: r.via, notes };
    notes.push(`the guest has no tool that computes yescrypt (mkpasswd, perl or python3 with libxcrypt): wrote a SHA-512 hash instead, which the guest accepts too`);
    return { hash: shaCrypt(password, newShaSetting('6')), method: 'sha512', via: 'guestctl', notes };
  }
  const variant = choice.method === 'sha256' ? '5' : '6';
  return { hash: shaCrypt(password, newShaSetting(variant, choice.rounds)), method: choice.method, via: 'guestctl', notes };
}
