import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BIN } from '../helpers/cli.js';
import { fixtureInfo, fixturePath } from '../helpers/fixtures.js';
import { median } from './transfer.js';

// `install hello` as a whole guestctl process (open the image, jail with network, the guest's
// apt-get update + install, close) against the same work done by hand: the image converted to
// raw and its root mounted by loop offset, /dev and /proc mounted, a policy-rc.d, then
// `chroot ROOT apt-get update && apt-get install -y hello`. Both start from the fixture with
// empty package lists; hello is removed again between runs (untimed). virt-customize runs
// too where libguestfs-tools is installed.

export interface InstallBench {
  runs: number;
  guestctlMs: number;
  /** The command alone, as the shell's `time` measures it (no open, no close). */
  commandMs: number;
  chrootMs: number;
  virtCustomizeMs: number | null;
}

function timed(cmd: string, args: string[], env: NodeJS.ProcessEnv = process.env): number {
  const start = process.hrtime.bigint();
  const r = spawnSync(cmd, args, { stdio: ['ignore', 'ignore', 'pipe'], env, encoding: 'utf8' });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed: ${r.stderr}`);
  return ms;
}

/** The shell's own `time COMMAND` figure for one command in a fresh session. */
function timedInSession(image: string, line: string, env: NodeJS.ProcessEnv): number {
  const r = spawnSync(process.execPath, [BIN, 'interactive', image, '-c', `time ${line}`], { stdio: ['ignore', 'ignore', 'pipe'], env, encoding: 'utf8' });
  const m = /time: ([\d.]+) ms/.exec(r.stderr);
  if (r.status !== 0 || !m) throw new Error(`${line} failed: ${r.stderr}`);
  return Number(m[1]);
}

function run(cmd: string, args: string[]): void {
  execFileSync(cmd, args, { stdio: ['ignore', 'ignore', 'inherit'] });
}

/** A raw copy of the Debian fixture with its root mounted at DIR/root the way an admin would. */
function mountByHand(dir: string): { root: string; unmount(): void } {
  const raw = join(dir, 'by-hand.raw');
  run('qemu-img', ['convert', '-O', 'raw', fixturePath('debian'), raw]);
  const info = fixtureInfo('debian') as { root: { partition: number }; partitions: { index: number; start: number; size: number }[] };
  const part = info.partitions.find((p) => p.index === info.root.partition)!;
  const root = join(dir, 'root');
  mkdirSync(root);
  run('mount', ['-o', `loop,offset=${part.start},sizelimit=${part.size}`, raw, root]);
  run('mount', ['--bind', '/dev', join(root, 'dev')]);
  run('mount', ['-t', 'proc', 'proc', join(root, 'proc')]);
  // The guest's resolv.conf may be a symlink (resolved): replace it, never write through it.
  rmSync(join(root, 'etc/resolv.conf'), { force: true });
  copyFileSync('/etc/resolv.conf', join(root, 'etc/resolv.conf'));
  writeFileSync(join(root, 'usr/sbin/policy-rc.d'), '#!/bin/sh\nexit 101\n', { mode: 0o755 });
  return {
    root,
    unmount() {
      for (const m of ['proc', 'dev', '']) run('umount', [join(root, m)]);
    },
  };
}

export async function benchInstall(dir: string, image: string, env: NodeJS.ProcessEnv, runs: number): Promise<InstallBench> {
  const ours: number[] = [];
  const command: number[] = [];
  for (let i = 0; i < runs; i++) {
    ours.push(timed(process.execPath, [BIN, 'interactive', image, '-c', 'install hello'], env));
    timed(process.execPath, [BIN, 'interactive', image, '-c', 'remove hello'], env);
    command.push(timedInSession(image, 'install hello', env));
    timed(process.execPath, [BIN, 'interactive', image, '-c', 'remove hello'], env);
  }
  const chroot: number[] = [];
  const byHand = mountByHand(dir);
  try {
    const apt = ['env', '-i', 'PATH=/usr/sbin:/usr/bin:/sbin:/bin', 'LC_ALL=C', 'DEBIAN_FRONTEND=noninteractive'];
    for (let i = 0; i < runs; i++) {
      chroot.push(timed('chroot', [byHand.root, ...apt, 'sh', '-c', 'apt-get update -q && apt-get install -y -q hello']));
      timed('chroot', [byHand.root, ...apt, 'apt-get', 'remove', '-y', '-q', 'hello']);
    }
  } finally {
    byHand.unmount();
  }
  let virtCustomizeMs: number | null = null;
  if (spawnSync('virt-customize', ['--version']).status === 0) {
    const copy = join(dir, 'virt-customize.qcow2');
    run('qemu-img', ['create', '-q', '-f', 'qcow2', '-F', 'qcow2', '-b', fixturePath('debian'), copy]);
    virtCustomizeMs = timed('virt-customize', ['-q', '-a', copy, '--install', 'hello']);
  }
  return { runs, guestctlMs: median(ours), commandMs: median(command), chrootMs: median(chroot), virtCustomizeMs };
}

export function formatInstallBench(b: InstallBench): string[] {
  const lines = [
    `guestctl interactive deb.qcow2 -c 'install hello'  ${b.guestctlMs.toFixed(0).padStart(6)} ms  (median of ${b.runs})`,
    `chroot ROOT apt-get update && install -y hello     ${b.chrootMs.toFixed(0).padStart(6)} ms  ratio ${(b.guestctlMs / b.chrootMs).toFixed(2)}x   (goal <= 1.3x)`,
    `  of which the command itself (time install hello)  ${b.commandMs.toFixed(0).padStart(6)} ms  ratio ${(b.commandMs / b.chrootMs).toFixed(2)}x to chroot; the rest is start, open and close`,
  ];
  lines.push(
    b.virtCustomizeMs === null
      ? 'virt-customize --install hello: not installed here (Debian package libguestfs-tools), no ratio'
      : `virt-customize -a COPY --install hello            ${b.virtCustomizeMs.toFixed(0).padStart(6)} ms  guestctl is ${(b.virtCustomizeMs / b.guestctlMs).toFixed(1)}x faster   (goal >= 10x)`,
  );
  return lines;
}
