import type { CommandContext } from '../shell/command.js';
import type { ExecResult } from '../guest/types.js';
import { CliError } from '../util/errors.js';
import { failedStep } from './scripts.js';

// Shared by the live commands: run a guest program or a constant guest script, Everything runs in the GUEST through ctx.guest.exec.

/** Run argv in the guest (C locale: stable output to parse). */
export function guestRun(ctx: CommandContext, argv: string[], timeoutMs?: number): Promise<ExecResult> {
  return ctx.guest.exec(argv, { env: { LC_ALL: 'C' }, signal: ctx.signal, ...(timeoutMs ? { timeoutMs } : {}) });
}

/** `/bin/sh -c SCRIPT sh ARGS...` in the guest: a constant script, user data only as arguments. */
export function guestScript(ctx: CommandContext, script: string, args: string[] = [], timeoutMs?: number): Promise<ExecResult> {
  return guestRun(ctx, ['/bin/sh', '-c', script, 'sh', ...args], timeoutMs);
}

/** Fail with the step a live script named, or the guest's own first error line. */
export function failIfError(r: ExecResult, what: string): void {
  if (r.code === 0) return;
  const step = failedStep(r.stderr);
  if (step) throw new CliError('failed', `${what} failed in the guest at ${step}`);
  if (r.code === 127) throw new CliError('missing-tool', `${what}: not found in the guest`);
  const line = r.stderr.split('\n').map((l) => l.trim()).find(Boolean);
  throw new CliError('failed', `${what} failed in the guest: ${line ?? `exit status ${r.code}`}`);
}

/** The guest must run systemd for the service commands. */
export function requireSystemd(ctx: CommandContext, name: string): void {
  const init = ctx.guest.os.initSystem;
  if (init && init !== 'systemd') throw new CliError('unsupported', `${name} needs systemd in the guest, and this guest runs ${init}`);
}

