import type { ExecOptions, Guest } from '../guest/types.js';
import { CliError, describeError } from '../util/errors.js';
import { firstLine } from '../util/run-tool.js';

/** Run one of the guest's own checkers; a non-zero exit (or no such program) throws, naming the step and the checker's first line. */
export async function guestCheck(guest: Guest, what: string, argv: string[], opts: ExecOptions = {}): Promise<{ stdout: string; stderr: string }> {
  let r;
  try {
    r = await guest.exec(argv, opts);
  } catch (err) {
    throw new CliError('failed', `${what}: ${describeError(err)}`, { cause: err });
  }
  if (r.code !== 0) throw new CliError('failed', `${what}: ${firstLine(r.stderr) || firstLine(r.stdout) || `exit status ${r.code}`}`);
  return r;
}
