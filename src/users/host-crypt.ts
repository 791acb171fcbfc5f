import { spawn } from 'node:child_process';

// A host program that reads a secret on its STANDARD INPUT (never argv or environment),
// cancellable: an aborted signal kills it.

export interface StdinRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Resolves with how the program ended; rejects with ENOENT when it is not installed, AbortError on cancel. */
export function runWithStdin(program: string, args: string[], input: Buffer, signal?: AbortSignal): Promise<StdinRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(program, args, { stdio: ['pipe', 'pipe', 'pipe'], signal, killSignal: 'SIGKILL', env: { PATH: process.env.PATH ?? '/usr/bin:/bin', LC_ALL: 'C' } });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', reject);
    // EPIPE when the program exits without reading: its exit status tells what happened.
    child.stdin.on('error', () => undefined);
    child.on('close', (code, sig) => resolve({ code, signal: sig, stdout, stderr }));
    child.stdin.end(input);
  });
}
