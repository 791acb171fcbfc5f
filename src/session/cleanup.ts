import { promises as fsp } from 'node:fs';
import { CliError } from '../util/errors.js';
import { describeResource, releaseAll, type SessionState } from './resources.js';
import { stateDir } from './state-dir.js';

// `guestctl cleanup`: unwind what sessions that died without closing (SIGKILL, power
// cut of the terminal) left behind, from the state files they kept up to date.

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export async function runCleanup(argv: string[]): Promise<number> {
  const dryRun = argv.includes('--dry-run');
  const unknown = argv.filter((a) => a !== '--dry-run');
  if (unknown.length > 0) throw new CliError('usage', `unknown argument '${unknown[0]}': usage: guestctl cleanup [--dry-run]`);
  const dir = stateDir();
  let files: string[];
  try {
    files = (await fsp.readdir(dir)).filter((f) => f.startsWith('session-') && f.endsWith('.json'));
  } catch {
    files = [];
  }
  let failed = false;
  let cleaned = 0;
  for (const f of files) {
    const path = `${dir}/${f}`;
    let state: SessionState;
    try {
      state = JSON.parse(await fsp.readFile(path, 'utf8')) as SessionState;
    } catch {
      continue; // being written, or not ours
    }
    if (alive(state.pid)) {
      process.stdout.write(`session ${state.pid} (${state.target}) is still running: left alone\n`);
      continue;
    }
    process.stdout.write(`session ${state.pid} (${state.target}) died: releasing ${state.resources.length} resources\n`);
    for (const r of [...state.resources].reverse()) process.stdout.write(`  ${describeResource(r)}\n`);
    if (dryRun) continue;
    const problems = await releaseAll(state.resources);
    for (const p of problems) process.stderr.write(`error: ${p}\n`);
    if (problems.length === 0) {
      await fsp.rm(path, { force: true });
      cleaned++;
    } else failed = true;
  }
  if (files.length === 0 || cleaned + (failed ? 1 : 0) === 0) process.stdout.write('nothing to clean up\n');
  return failed ? 1 : 0;
}
