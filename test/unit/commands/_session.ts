import { expect } from 'vitest';
import type { FakeGuest } from '../../helpers/fake-guest.js';
import { runLine, type RunResult } from '../../helpers/run-command.js';

// The e2e helpers (ok, fails, json) over a fake guest: each line runs through the executor
// as one session would run it, and extra CLI flags (--json, --ro) map onto the run.

export interface Flags {
  extra?: string[];
  cwd?: string;
}

async function runAll(g: FakeGuest, cmds: string[], extra: string[], each: (r: RunResult, cmd: string) => boolean): Promise<RunResult> {
  const json = extra.includes('--json');
  const readOnly = extra.includes('--ro');
  const wasReadOnly = g.readOnly;
  g.setReadOnly(readOnly || wasReadOnly);
  const all: RunResult = { data: undefined, stdout: '', stderr: '', code: 0 };
  try {
    for (const cmd of cmds) {
      const r = await runLine(cmd, { guest: g, json });
      all.stdout += r.stdout;
      all.stderr += r.stderr;
      all.code = r.code;
      all.data = r.data;
      if (!each(r, cmd)) break;
    }
  } finally {
    g.setReadOnly(wasReadOnly);
  }
  return all;
}

/** Lines as one session runs them: stops at the first failure. */
export function session(g: FakeGuest, cmds: string[], extra: string[] = []): Promise<RunResult> {
  return runAll(g, cmds, extra, (r) => r.code === 0);
}

/** Commands that must all succeed. */
export async function ok(g: FakeGuest, cmds: string[], extra: string[] = []): Promise<RunResult> {
  const r = await session(g, cmds, extra);
  expect(r.code, `${cmds.join(' ; ')}\n${r.stderr}`).toBe(0);
  return r;
}

/** One command that must fail: an `error:` line, and no success line on stdout. */
export async function fails(g: FakeGuest, cmd: string, extra: string[] = []): Promise<string> {
  const r = await session(g, [cmd], extra);
  expect(r.code, `${cmd} should fail\n${r.stdout}`).not.toBe(0);
  expect(r.stdout).toBe('');
  expect(r.stderr).toMatch(/^error: /);
  return r.stderr.split('\n')[0]!;
}

export async function json(g: FakeGuest, cmd: string): Promise<any> {
  const r = await ok(g, [cmd], ['--json']);
  return JSON.parse(r.stdout);
}

const typeText: Record<string, string> = { file: 'regular file', directory: 'directory', symlink: 'symbolic link' };

/** `mode uid gid type` of each path as the guest's `stat -c '%a %u %g %F'` prints it, '-' when missing. */
export async function gstat(g: FakeGuest, ...paths: string[]): Promise<string[]> {
  return Promise.all(
    paths.map(async (p) => {
      if (!(await g.fs.lexists(p))) return '-';
      const s = await g.fs.lstat(p);
      return `${s.mode.toString(8)} ${s.uid} ${s.gid} ${typeText[s.type] ?? s.type}`;
    }),
  );
}

/** `stat -c %N`: `'PATH' -> 'TARGET'` for a symlink. */
export async function statN(g: FakeGuest, ...paths: string[]): Promise<string> {
  const lines = await Promise.all(paths.map(async (p) => `'${p}' -> '${await g.fs.readlink(p)}'\n`));
  return lines.join('');
}

export const inodeOf = async (g: FakeGuest, path: string) => (await g.fs.lstat(path)).inode;

/** `ls -a PATH`. */
export async function names(g: FakeGuest, path: string): Promise<string[]> {
  return ['.', '..', ...(await g.fs.list(path)).map((e) => e.name)];
}

/** Every entry under `top` as `relpath|mode|uid|gid|type|size-or-link`, sorted (the e2e tree()). */
export async function tree(g: FakeGuest, top: string): Promise<string[]> {
  const out: string[] = [];
  const visit = async (rel: string): Promise<void> => {
    const p = rel === '.' ? top : `${top}/${rel.slice(2)}`;
    const s = await g.fs.lstat(p);
    const tail = s.type === 'symlink' ? `-> '${s.symlinkTarget}'` : s.type === 'directory' ? '' : String(s.size);
    out.push(`${rel}|${s.mode.toString(8)}|${s.uid}|${s.gid}|${typeText[s.type] ?? s.type}|${tail}`);
    if (s.type === 'directory') for (const e of await g.fs.list(p)) await visit(`${rel}/${e.name}`);
  };
  await visit('.');
  return out.sort();
}
