import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

// A real qemu-ga running on the HOST in unix-listen mode, on a socket and state dir inside
// a test's temp dir. Everything it does acts on the host: tests only point it at files in
// their own temp dir. Shutdown, suspend, freeze and the other host-affecting RPCs are blocked.

export const HOST_SAFE_BLOCKS = [
  'guest-shutdown',
  'guest-suspend-disk',
  'guest-suspend-ram',
  'guest-suspend-hybrid',
  'guest-fsfreeze-freeze',
  'guest-fsfreeze-freeze-list',
  'guest-fsfreeze-thaw',
  'guest-set-time',
  'guest-set-user-password',
  'guest-set-vcpus',
  'guest-set-memory-blocks',
];

export interface QemuGa {
  socket: string;
  pid: number;
  /** Open file descriptors of the qemu-ga process. */
  fdCount(): number;
  stop(signal?: NodeJS.Signals): Promise<void>;
  readonly exited: boolean;
}

export function qemuGaAvailable(): string | null {
  const r = spawnSync('qemu-ga', ['--version'], { encoding: 'utf8' });
  if (r.error) return 'qemu-ga is not installed (Debian package qemu-guest-agent; scripts/setup.sh installs it)';
  return null;
}

/**
 * A qemu-ga that sees a changed host: its own mount namespace (private, gone with it) in
 * which SETUP (sh, as root) runs first, e.g. `mount --bind /dev/null /usr/bin/df` to make a
 * tool fail for real, or an empty tmpfs over /proc.
 */
export function inMountNamespace(setup: string): string[] {
  return ['unshare', '--mount', '--propagation', 'private', '/bin/sh', '-c', `set -e\n${setup}\nexec "$@"`, 'sh'];
}

/** Start qemu-ga on DIR/NAME.sock and wait until it listens (through `wrap`, e.g. inMountNamespace). */
export async function startQemuGa(dir: string, name = 'qga', extraBlocks: string[] = [], wrap: string[] = []): Promise<QemuGa> {
  const socket = join(dir, `${name}.sock`);
  const state = join(dir, `${name}-state`);
  mkdirSync(state, { recursive: true });
  const argv = ['qemu-ga', '-m', 'unix-listen', '-p', socket, '-t', state, '-f', join(state, 'qemu-ga.pid'), '-b', [...HOST_SAFE_BLOCKS, ...extraBlocks].join(',')];
  const all = [...wrap, ...argv];
  const child: ChildProcess = spawn(all[0]!, all.slice(1), { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  let exited = false;
  const exit = new Promise<void>((resolve) =>
    child.on('exit', () => {
      exited = true;
      resolve();
    }),
  );
  for (let i = 0; i < 100 && !existsSync(socket); i++) {
    if (exited) throw new Error(`qemu-ga exited at start: ${stderr}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  if (!existsSync(socket)) throw new Error(`qemu-ga did not create ${socket}: ${stderr}`);
  const pid = child.pid!;
  return {
    socket,
    pid,
    get exited() {
      return exited;
    },
    fdCount: () => readdirSync(`/proc/${pid}/fd`).length,
    async stop(signal: NodeJS.Signals = 'SIGTERM') {
      if (exited) return;
      child.kill(signal);
      const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
      await exit;
      clearTimeout(timer);
    },
  };
}
