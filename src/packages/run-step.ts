// Run one package-manager step in the guest: offline in the jail (with network when the step
// needs the repositories; policy-rc.d keeps services from starting on a deb guest), live
// through guest-exec. A spinner names the step on a terminal, followed (offline) by the
// manager's latest output line; scripts see nothing unless it fails, and then one line: the
// step, the cause, the manager's last lines, and whether the package database (dpkg --audit,
// rpm --verifydb) was left inconsistent.
import type { ExecResult } from '../guest/types.js';
import { lastLines, packageManagerCause } from '../parsers/package-manager-errors.js';
import type { CommandContext } from '../shell/command.js';
import type { ProgressReporter } from '../shell/output.js';
import { CliError } from '../util/errors.js';
import type { ManagerStep } from './manager-commands.js';

export interface StepOptions {
  timeoutMs: number;
  /** What the spinner says after the step's label (e.g. the package names). */
  detail?: string;
}

export async function runManagerStep(ctx: CommandContext, step: ManagerStep, opts: StepOptions): Promise<ExecResult> {
  const progress = ctx.out.progress(opts.detail ? `${step.label} ${opts.detail}` : step.label);
  let r: ExecResult;
  try {
    r = await ctx.guest.exec(step.argv, { env: step.env, network: step.network, signal: ctx.signal, timeoutMs: opts.timeoutMs, onOutput: lastLineTo(progress) });
  } catch (err) {
    throw stepError(step, err, opts.timeoutMs);
  } finally {
    progress.end();
  }
  if (r.code === 127) throw new CliError('missing-tool', `${step.label}: the guest has no ${step.argv[0]}`);
  if (r.code !== 0) throw await failure(ctx, step, r, opts.timeoutMs);
  return r;
}

/** Feed the manager's latest complete output line to the progress display. */
function lastLineTo(progress: ProgressReporter): (text: string) => void {
  let partial = '';
  return (text) => {
    // apt redraws its own progress with \r: each piece between \r and \n is a line.
    const lines = (partial + text).split(/[\r\n]/);
    partial = lines.pop() ?? '';
    const last = lines.filter((l) => l.trim() !== '').pop();
    if (last !== undefined) progress.status(last);
  };
}

function stepError(step: ManagerStep, err: unknown, timeoutMs: number): unknown {
  if (!(err instanceof CliError)) return err;
  if (err.code === 'not-found' && /no such program/.test(err.message)) return new CliError('missing-tool', `${step.label}: the guest has no ${step.argv[0]}`, { cause: err });
  // The jail says "timed out", the agent "did not finish within" (and whether the kill was confirmed).
  if (/timed out after|did not finish within/.test(err.message)) {
    const unconfirmed = /could not be confirmed/.test(err.message) ? `; ${err.message}` : '';
    return new CliError('failed', `${step.label} timed out after ${timeoutMs / 1000} s (raise it with --timeout SECONDS)${unconfirmed}`, { cause: err });
  }
  return err;
}

async function failure(ctx: CommandContext, step: ManagerStep, r: ExecResult, timeoutMs: number): Promise<CliError> {
  const output = `${r.stdout}\n${r.stderr}`;
  const tail = lastLines(output, 5);
  const cause = packageManagerCause(output) ?? tail[tail.length - 1] ?? `exit status ${r.code}`;
  const check = DATABASE_CHECKS[step.argv[0]!];
  const complaint = check ? await databaseComplaint(ctx, check.argv, timeoutMs) : null;
  const parts = [`${step.label} failed: ${cause}`];
  if (check && complaint) parts.push(`and the ${check.name} database is not consistent (${check.argv.join(' ')}: ${complaint})`);
  if (tail.length) parts.push(`last output: ${tail.join(' | ')}`);
  return new CliError('failed', parts.join('; '));
}

/** After a failed step of these managers, the package database's own consistency check. */
const DATABASE_CHECKS: Record<string, { name: string; argv: string[] }> = {
  'apt-get': { name: 'dpkg', argv: ['dpkg', '--audit'] },
  dnf: { name: 'rpm', argv: ['rpm', '--verifydb'] },
  yum: { name: 'rpm', argv: ['rpm', '--verifydb'] },
  zypper: { name: 'rpm', argv: ['rpm', '--verifydb'] },
};

/** The check's last complaint, or null when the database is consistent. */
async function databaseComplaint(ctx: CommandContext, argv: string[], timeoutMs: number): Promise<string | null> {
  let r: ExecResult;
  try {
    r = await ctx.guest.exec(argv, { env: { LC_ALL: 'C' }, signal: ctx.signal, timeoutMs });
  } catch (err) {
    if (err instanceof CliError && err.code !== 'cancelled') return `it could not be run: ${err.message}`;
    throw err;
  }
  const text = `${r.stdout}${r.stderr}`.trim();
  if (r.code === 0 && text === '') return null;
  return lastLines(text, 2).join(' ') || `exit status ${r.code}`;
}
