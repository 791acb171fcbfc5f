import { execFile, execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

// Drive the real, built CLI as a user would: a separate process per session.

function repoRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (dir !== '/') {
    try {
      execFileSync('test', ['-f', join(dir, 'package.json'), '-a', '-d', join(dir, 'commands')]);
      return dir;
    } catch {
      dir = dirname(dir);
    }
  }
  throw new Error('repo root not found');
}

export const REPO = repoRoot();
export const BIN = join(REPO, 'bin', 'guestctl.js');

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export function guestctl(args: string[], opts: { input?: string; env?: Record<string, string>; timeoutMs?: number; cwd?: string } = {}): Promise<CliResult> {
  return new Promise((resolve) => {
    const child = execFile(
      process.execPath,
      [BIN, ...args],
      { cwd: opts.cwd, env: { ...process.env, NO_COLOR: '1', GUESTCTL_HISTORY: '/dev/null', ...opts.env }, timeout: opts.timeoutMs ?? 120_000, maxBuffer: 64 << 20 },
      (err, stdout, stderr) => {
        const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? ((err as { code: number }).code) : 1) : 0;
        resolve({ code, stdout: String(stdout), stderr: String(stderr) });
      },
    );
    child.stdin?.end(opts.input ?? '');
  });
}

/** `guestctl interactive TARGET -c CMD...` */
export function shell(target: string, commands: string[], extra: string[] = []): Promise<CliResult> {
  return guestctl(['interactive', target, ...extra, ...commands.flatMap((c) => ['-c', c])], { env: sessionEnv(target) });
}

/**
 * Sessions keep their work dir (mount points, FUSE export) under TMPDIR: pointing it next to
 * the test's image makes every mount, loop device and daemon of that session name the
 * test's own directory, so `leftovers(dir)` sees exactly that test's resources.
 */
export function sessionEnv(target: string): Record<string, string> {
  return { TMPDIR: dirname(target) };
}

export function tempDir(prefix = 'guestctl-test-'): { path: string; cleanup(): void } {
  const path = mkdtempSync(join(tmpdir(), prefix));
  return { path, cleanup: () => rmSync(path, { recursive: true, force: true }) };
}

/** Mounts, loop devices and storage daemons that mention `needle` (a temp dir or image path). */
export function leftovers(needle: string): string[] {
  const found: string[] = [];
  const mounts = execFileSync('findmnt', ['-rn', '-o', 'TARGET,SOURCE'], { encoding: 'utf8' });
  for (const l of mounts.split('\n')) if (l.includes(needle)) found.push(`mount: ${l}`);
  const loops = execFileSync('losetup', ['-a'], { encoding: 'utf8' });
  for (const l of loops.split('\n')) if (l.includes(needle)) found.push(`loop: ${l}`);
  const ps = execFileSync('ps', ['-eo', 'pid,args'], { encoding: 'utf8' });
  for (const l of ps.split('\n')) if (/qemu-storage-daemon|fuse|unshare|bwrap|slirp4netns/.test(l) && l.includes(needle)) found.push(`process: ${l.trim()}`);
  return found;
}

/** Poll cond every 100 ms until it holds; throws after ms. */
export async function waitFor(cond: () => boolean, ms = 60_000): Promise<void> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (cond()) return;
    await new Promise((res) => setTimeout(res, 100));
  }
  throw new Error('timed out waiting');
}
