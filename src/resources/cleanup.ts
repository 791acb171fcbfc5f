import { promises as fsp } from 'node:fs';
import { describeResource, type Resource } from './resource.js';
import { releaseAll } from './stack.js';
import { readStateFile, writeStateFile } from './state-file.js';
import { trustedStateDir } from './state-dir.js';

// `guestctl cleanup`: unwind what sessions that died without closing (SIGKILL, power
// cut of the terminal) left behind, from the state files they kept up to date.
// Only what matches the record is touched: a loop device still backed by the recorded file
// at the recorded offset, a mount whose source is still the recorded one.

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export interface CleanupOptions {
  /** List what would be released, release nothing. */
  dryRun: boolean;
}

/** Options and help: src/cli/cleanup.ts. */
export async function runCleanup({ dryRun }: CleanupOptions): Promise<number> {
  const dir = await trustedStateDir(false);
  const files = dir === null ? [] : (await fsp.readdir(dir)).filter((f) => f.startsWith('session-') && f.endsWith('.json'));
  let failed = false;
  let dead = 0;
  for (const f of files) {
    const path = `${dir}/${f}`;
    let state;
    try {
      state = await readStateFile(path);
    } catch (err) {
      process.stderr.write(`error: state file ${path}: ${(err as Error).message} (left in place)\n`);
      failed = true;
      continue;
    }
    if (alive(state.pid)) {
      process.stdout.write(`session ${state.pid} (${state.target}) is still running: left alone\n`);
      continue;
    }
    dead++;
    process.stdout.write(`session ${state.pid} (${state.target}) died: releasing ${state.resources.length} resources\n`);
    for (const r of [...state.resources].reverse()) process.stdout.write(`  ${describeResource(r)}\n`);
    if (dryRun) continue;
    const remaining = [...state.resources];
    const problems = await releaseAll(state.resources, async (r: Resource) => {
      remaining.splice(remaining.lastIndexOf(r), 1);
    });
    for (const p of problems) process.stderr.write(`error: ${p}\n`);
    if (problems.length === 0) await fsp.rm(path, { force: true });
    else {
      failed = true;
      await writeStateFile(path, { ...state, resources: remaining });
    }
  }
  if (dead === 0 && !failed) process.stdout.write('nothing to clean up\n');
  return failed ? 1 : 0;
}
