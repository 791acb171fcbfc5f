import { execFileSync, spawn } from 'node:child_process';
import { readdirSync, readFileSync, readlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, leftovers, sessionEnv, shell, tempDir, type CliResult } from '../helpers/cli.js';
import { workCopy } from '../helpers/fixtures.js';

// passwd never writes after a cancel or a failed hash tool (it used to fall back to
// SHA-512 and write the shadow anyway). Each case: a copy of the Debian fixture, a real
// interruption (SIGINT while passwd waits on a FIFO or while the real mkpasswd computes),
// or a real failure (mkpasswd refusing the cost the guest's PAM asks for), then
// /etc/shadow must be byte-identical.

const dir = tempDir('guestctl-passwd-cancel-');
afterAll(() => {
  expect(leftovers(dir.path)).toEqual([]);
  dir.cleanup();
});

/** The command's own error line (the script runner adds "stopped at command 1" after it). */
const firstError = (r: CliResult) => r.stderr.split('\n').find((l) => l.startsWith('error: '));

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function shadowOf(image: string): Promise<Buffer> {
  const out = join(dir.path, `shadow-${Date.now()}-${Math.random().toString(36).slice(2)}`);
  const r = await shell(image, [`download /etc/shadow ${out}`]);
  expect(r.code, r.stderr).toBe(0);
  return readFileSync(out);
}

/** Start `passwd root --password-file FILE`; `when(pid)` says when to send SIGINT. */
async function interruptedPasswd(image: string, file: string, when: (pid: number) => boolean): Promise<CliResult> {
  const child = spawn(process.execPath, [BIN, 'interactive', image, '-c', `passwd root --password-file ${file}`], {
    env: { ...process.env, ...sessionEnv(image), NO_COLOR: '1', GUESTCTL_HISTORY: '/dev/null' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  const exited = new Promise<number>((r) => child.on('close', (code, sig) => r(code ?? (sig ? 128 : 1))));
  const deadline = Date.now() + 60_000;
  while (!when(child.pid!)) {
    if (Date.now() > deadline || child.exitCode !== null) throw new Error(`passwd never reached the point to interrupt: ${stderr}`);
    await sleep(20);
  }
  child.kill('SIGINT');
  return { code: await exited, stdout, stderr };
}

function holdsOpen(pid: number, path: string): boolean {
  try {
    return readdirSync(`/proc/${pid}/fd`).some((fd) => {
      try {
        return readlinkSync(`/proc/${pid}/fd/${fd}`) === path;
      } catch {
        return false; // the descriptor closed while we looked
      }
    });
  } catch {
    return false;
  }
}

function childNamed(pid: number, comm: string): boolean {
  for (const p of readdirSync('/proc')) {
    if (!/^\d+$/.test(p)) continue;
    try {
      const stat = readFileSync(`/proc/${p}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === pid && stat.includes(`(${comm})`)) return true;
    } catch {
      // the process ended while we looked
    }
  }
  return false;
}

describe('passwd: a cancel or a failing hash tool writes nothing', { timeout: 600_000 }, () => {
  let image = '';
  let before: Buffer;
  const pwFile = join(dir.path, 'root.pw');

  beforeAll(async () => {
    image = await workCopy('debian', join(dir.path, 'debian'));
    before = await shadowOf(image);
    writeFileSync(pwFile, 'Secret-pw-1\n', { mode: 0o600 });
  }, 600_000);

  it('SIGINT while passwd waits for the password on a FIFO: exit 130, shadow untouched', async () => {
    const fifo = join(dir.path, 'pw.fifo');
    execFileSync('mkfifo', ['-m', '600', fifo]);
    const r = await interruptedPasswd(image, fifo, (pid) => holdsOpen(pid, fifo));
    expect(r.code).toBe(130);
    expect(firstError(r)).toBe('error: cancelled while waiting for the password: nothing changed');
    expect((await shadowOf(image)).equals(before)).toBe(true);
  });

  it("SIGINT while the host's mkpasswd computes the hash: exit 130, shadow untouched", async () => {
    // A cost the guest asks for that takes the real mkpasswd a few seconds (512 MiB).
    const set = await shell(image, [`run sed -i 's/pam_unix.so obscure yescrypt$/pam_unix.so obscure yescrypt rounds=10/' /etc/pam.d/common-password`, 'run grep -c rounds=10 /etc/pam.d/common-password']);
    expect(set.stdout.trim()).toBe('1');
    const shadowNow = await shadowOf(image);
    const r = await interruptedPasswd(image, pwFile, (pid) => childNamed(pid, 'mkpasswd'));
    expect(r.code).toBe(130);
    expect(firstError(r)).toBe('error: cancelled while hashing the password: nothing changed');
    expect((await shadowOf(image)).equals(shadowNow)).toBe(true);
  });

  it('mkpasswd refusing the cost the guest asks for fails passwd in one line; nothing is written', async () => {
    const set = await shell(image, [`run sed -i 's/rounds=10/rounds=12/' /etc/pam.d/common-password`]);
    expect(set.code, set.stderr).toBe(0);
    const shadowNow = await shadowOf(image);
    const r = await shell(image, [`passwd root --password-file ${pwFile}`]);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(firstError(r)).toBe("error: hashing the password with the host's mkpasswd failed (yescrypt cost 12): crypt_gensalt: Invalid argument: nothing changed");
    expect((await shadowOf(image)).equals(shadowNow)).toBe(true);
  });
});
