import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { BIN } from '../helpers/cli.js';
import { workCopy } from '../helpers/fixtures.js';
import { median } from './transfer.js';

// `guestctl diff A B` on two overlays of the Debian fixture, B with 3 changes (a write, a chmod,
// a delete). Compared with what it replaces by hand: GNU `diff -rq --no-dereference` of the two
// trees already mounted (contents only: no modes, owners or xattrs), plus opening and closing
// the two images (two `guestctl interactive --ro IMG -c pwd`).

function timed(args: string[], env: NodeJS.ProcessEnv, okCodes: number[]): number {
  const start = process.hrtime.bigint();
  const r = spawnSync(args[0]!, args.slice(1), { stdio: ['ignore', 'ignore', 'pipe'], env });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (!okCodes.includes(r.status ?? -1)) throw new Error(`${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  return ms;
}

/** A read-only session left open (its mounts stay) until close(); root is its mounted guest root. */
async function openSession(image: string, tmp: string): Promise<{ root: string; close(): Promise<void> }> {
  mkdirSync(tmp, { recursive: true });
  const child = spawn(process.execPath, [BIN, 'interactive', '--ro', image], { stdio: ['pipe', 'pipe', 'ignore'], env: { ...process.env, TMPDIR: tmp, GUESTCTL_HISTORY: '/dev/null' } });
  child.stdin.write('pwd\n');
  await new Promise<void>((res, rej) => {
    child.stdout.once('data', () => res());
    child.once('exit', (code) => rej(new Error(`session on ${image} exited ${code}`)));
  });
  const root = join(tmp, readdirSync(tmp).find((n) => n.startsWith('guestctl-'))!, 'root');
  return {
    root,
    close: async () => {
      child.stdin.end('exit\n');
      await new Promise((res) => child.on('exit', res));
    },
  };
}

export async function benchImageDiff(dir: string, env: NodeJS.ProcessEnv, runs: number): Promise<string[]> {
  const a = await workCopy('debian', dir);
  const b = await workCopy('debian', dir);
  timed([process.execPath, BIN, 'interactive', b, '-c', "write /etc/motd 'changed\\n'", '-c', 'chmod 0600 /etc/fstab', '-c', 'delete /etc/issue.net'], env, [0]);
  const ours: number[] = [];
  const opens: number[] = [];
  for (let i = 0; i < runs; i++) {
    ours.push(timed([process.execPath, BIN, 'diff', a, b], env, [1]));
    opens.push(timed([process.execPath, BIN, 'interactive', '--ro', a, '-c', 'pwd'], env, [0]) + timed([process.execPath, BIN, 'interactive', '--ro', b, '-c', 'pwd'], env, [0]));
  }
  const sa = await openSession(a, join(dir, 'diff-a'));
  const sb = await openSession(b, join(dir, 'diff-b'));
  const gnu: number[] = [];
  try {
    for (let i = 0; i < runs; i++) gnu.push(timed(['diff', '-rq', '--no-dereference', sa.root, sb.root], env, [1]));
  } finally {
    await sa.close();
    await sb.close();
  }
  const f = (ms: number) => `${ms.toFixed(0).padStart(6)} ms`;
  return [
    `guestctl diff A B (2 overlays, 3 changes)      ${f(median(ours))}   (goal <= open x2 + diff -rq)`,
    `  open+close both (interactive --ro -c pwd x2) ${f(median(opens))}`,
    `  GNU diff -rq --no-dereference, mounted trees ${f(median(gnu))}   (contents only)`,
  ];
}
