import { spawn } from 'node:child_process';
import { constants } from 'node:os';
import { CliError } from '../util/errors.js';
import type { Output } from './output.js';

// `COMMAND | HOSTCOMMAND`, as in guestfish: the guestctl command's stdout feeds a command line
// of the user's own, run on the HOST by /bin/sh (never in the guest). Its stdout and stderr
// are the terminal's. The line's status is the host command's when the guestctl command
// succeeded, else the guestctl command's (its `error:` line still goes to stderr).

export async function pipeToHost<R>(
  hostCommand: string,
  out: Output,
  signal: AbortSignal,
  runGuestCommand: (piped: Output) => Promise<R>,
): Promise<R | number> {
  const child = spawn('/bin/sh', ['-c', hostCommand], { stdio: ['pipe', 'inherit', 'inherit'] });
  const exited = new Promise<number>((resolve, reject) => {
    child.on('error', (err) => reject(new CliError('failed', `host command '${hostCommand}': ${err.message}`)));
    child.on('close', (code, sig) => resolve(code ?? 128 + (sig ? constants.signals[sig] : 0)));
  });
  // A host command that stops reading (`| head -1`) is not an error of the guestctl command:
  // what it writes afterwards goes nowhere, as in a shell pipeline.
  child.stdin.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code !== 'EPIPE' && err.code !== 'ERR_STREAM_DESTROYED') out.error(`pipe to '${hostCommand}': ${err.message}`);
  });
  const stop = () => child.kill('SIGTERM');
  signal.addEventListener('abort', stop, { once: true });
  try {
    let result: R;
    try {
      result = await runGuestCommand(out.pipedTo(child.stdin));
    } finally {
      child.stdin.end();
    }
    const hostStatus = await exited;
    return result === 0 ? hostStatus : result;
  } finally {
    signal.removeEventListener('abort', stop);
  }
}
