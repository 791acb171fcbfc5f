import { posix } from 'node:path';
import { CliError, describeError } from '../util/errors.js';
import type { Guest } from '../guest/types.js';
import { Streamed, type Args, type CommandContext, type CommandDef, type InvokeOptions, type Invoked, type SessionState } from './command.js';
import { parseCommandArgs } from './args.js';
import { parsePipedLine, type ParsedLine } from './parse-line.js';
import { pipeToHost } from './host-pipe.js';
import type { Output } from './output.js';
import type { Prompter } from './prompter.js';
import { unservableReason, type Registry } from './registry.js';
import { windowsToGuestPath } from '../windows/paths.js';
import { DRY_RUN } from './dry-run.js';
import { Journal } from '../change-journal/journal.js';
import { journaledGuest, type JournaledGuest } from '../change-journal/journaled-guest.js';

// Runs one line: parse, find the command, check the guest can serve it, run it, print
// its result (human or JSON) or one `error:` line. Never throws: returns the exit status.
// execute() is the same without printing the result, for callers that want the data
// (ctx.invoke: `time`, later wizards and the assistant).

export interface ShellEnv {
  guest: Guest;
  registry: Registry;
  out: Output;
  prompt: Prompter;
  session: SessionState;
  debug: boolean;
  /** The host environment commands may read (ctx.env). */
  hostEnv: Readonly<Record<string, string | undefined>>;
}

export class ExitRequest {
  constructor(readonly code: number) {}
}

export async function executeLine(line: string, env: ShellEnv, signal: AbortSignal): Promise<number | ExitRequest> {
  let parsed: ParsedLine;
  try {
    parsed = parsePipedLine(line);
  } catch (err) {
    env.out.error(describeError(err));
    return 2;
  }
  const { argv, host } = parsed;
  if (argv.length === 0) return 0;
  if (host === undefined) return executeArgv(argv, env, signal);
  try {
    return await pipeToHost(host, env.out, signal, (out) => executeArgv(argv, { ...env, out }, signal));
  } catch (err) {
    env.out.error(describeError(err));
    return err instanceof CliError ? err.exitCode : 1;
  }
}

export async function executeArgv(argv: string[], env: ShellEnv, signal: AbortSignal): Promise<number | ExitRequest> {
  const r = await execute(argv, env, signal);
  if (r instanceof ExitRequest) return r;
  r.render(env.out);
  return r.code;
}

/** Runs one command line and returns its result unprinted; a failure is already reported as one `error:` line. */
export async function execute(argv: string[], env: ShellEnv, signal: AbortSignal, opts: InvokeOptions = {}): Promise<Invoked | ExitRequest> {
  const [name, ...rest] = argv as [string, ...string[]];
  let exitCode = 0;
  let journaled: JournaledGuest | undefined;
  try {
    const cmd = env.registry.get(name);
    refuseUnservable(cmd, env.guest);
    const args = parseCommandArgs(cmd, rest);
    refuseReadOnly(cmd, args, env.guest);
    const changes = mutatesWith(cmd, args) && !args.flag(DRY_RUN);
    if (!env.guest.readOnly && (cmd.mayWrite || changes)) await env.guest.prepareWrite?.();
    // `run` and the like may change anything: journaled too, so `changes` and `undo` name what they ran.
    if ((changes || (cmd.mayWrite && !env.guest.readOnly)) && cmd.journal !== false) {
      const spec = cmd.journal ?? {};
      const trees = typeof spec.trees === 'function' ? spec.trees(args, (typed) => guestPathOf(env, typed)) : spec.trees;
      const j = journaledGuest(env.guest, (env.session.journal ??= new Journal()), argv, { ...spec, trees });
      await j.start();
      journaled = j;
    }
    const ctx: CommandContext = {
      guest: journaled?.guest ?? env.guest,
      out: env.out,
      prompt: env.prompt,
      session: env.session,
      signal,
      json: env.out.json,
      commands: env.registry.commands,
      guestPath: (typed) => guestPathOf(env, typed),
      setExitCode: (code) => {
        exitCode = code;
      },
      invoke: async (inner, innerOpts) => {
        const r = await execute(inner, env, signal, innerOpts);
        return r instanceof ExitRequest ? { data: undefined, code: r.code, render: () => undefined } : r;
      },
      env: env.hostEnv,
    };
    const data = await cmd.run(ctx, args);
    const finishing = journaled;
    journaled = undefined; // a failure to journal is reported once, below
    await finishing?.finish(true);
    if (data instanceof ExitRequest) return data;
    if (data instanceof Streamed) return { data: data.data, code: exitCode, render: () => undefined };
    return { data, code: exitCode, render: (out) => printResult(cmd, data, out, args) };
  } catch (err) {
    const failure = describeFailure(err, signal);
    if (!opts.quiet) reportFailure(failure, err, env);
    // A failed command's partial changes are journaled too; failing to journal them is reported as well.
    if (journaled) await journaled.finish(false).catch((jerr: unknown) => reportFailure(describeFailure(jerr, signal), jerr, env));
    return { data: undefined, code: failure.code, error: failure.message, render: () => undefined };
  }
}

function guestPathOf(env: ShellEnv, typed: string): string {
  // An offline Windows guest's C:\x is a path in the mounted image; a live one's agent takes it as it is.
  const p = env.guest.os.type === 'windows' && env.guest.kind !== 'live' ? windowsToGuestPath(typed, env.guest.os, env.guest.mounts()) : typed;
  // A Windows guest path (C:\x, \\server\share) is absolute too.
  return p.startsWith('/') || /^[A-Za-z]:[\\/]/.test(p) || p.startsWith('\\\\') ? p : posix.join(env.session.cwd, p);
}

function printResult(cmd: CommandDef, data: unknown, out: Output, args: Args): void {
  if (out.json) out.printJson(data);
  else if (cmd.render && data !== undefined) cmd.render(data as never, out, args);
}

function describeFailure(err: unknown, signal: AbortSignal): { code: number; message: string } {
  if (signal.aborted && !(err instanceof CliError)) return { code: 130, message: 'cancelled' };
  return { code: err instanceof CliError ? err.exitCode : 1, message: describeError(err) };
}

function reportFailure(failure: { message: string }, err: unknown, env: ShellEnv): void {
  env.out.error(failure.message);
  if (env.debug && err instanceof Error && err.stack) env.out.stderr(err.stack + '\n');
}

function refuseUnservable(cmd: CommandDef, guest: Guest): void {
  const reason = unservableReason(cmd, guest);
  if (reason !== undefined) throw new CliError('unsupported', `${cmd.name} ${reason}`);
}

function mutatesWith(cmd: CommandDef, args: Args): boolean {
  return typeof cmd.mutates === 'function' ? cmd.mutates(args) : cmd.mutates === true;
}

function refuseReadOnly(cmd: CommandDef, args: Args, guest: Guest): void {
  if (!guest.readOnly || args.flag(DRY_RUN)) return;
  if (mutatesWith(cmd, args)) throw new CliError('refused', `${cmd.name} changes the guest, and this session is read-only (--ro)`);
}
