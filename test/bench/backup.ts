import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { median } from './transfer.js';

// `backup /usr --to FILE.tar.gz` in an open session, alternately with GNU tar of the same
// mounted tree (same flags for the metadata: --xattrs --acls, gzip).

const RUNS = Number(process.env.BENCH_BACKUP_RUNS ?? 3);

function gnuTar(root: string, out: string): number {
  const start = process.hrtime.bigint();
  const r = spawnSync('tar', ['--xattrs', '--acls', '-czf', out, '-C', root, 'usr'], { stdio: ['ignore', 'ignore', 'pipe'] });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (r.status !== 0) throw new Error(`GNU tar failed: ${r.stderr}`);
  return ms;
}

export async function benchBackup(time: (line: string) => Promise<number>, root: string, dir: string): Promise<{ ours: number; gnu: number }> {
  const ours: number[] = [];
  const gnu: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const [a, b] = [join(dir, `bench-gnu-${i}.tar.gz`), join(dir, `bench-ours-${i}.tar.gz`)];
    gnu.push(gnuTar(root, a));
    ours.push(await time(`backup /usr --to ${b}`));
    rmSync(a);
    rmSync(b);
  }
  return { ours: median(ours), gnu: median(gnu) };
}
