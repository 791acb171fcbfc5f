import { posix } from 'node:path';
import { CliError, describeError } from '../util/errors.js';
import type { Guest } from '../guest/types.js';
import { PRINTED, type Args, type CommandContext, type CommandDef, type SessionState } from './command.js';
import { parseCommandArgs } from './args.js';
import { parseLine } from './parse-line.js';
import type { Output } from './output.js';
import type { Prompter } from './prompter.js';
import type { Registry } from './registry.js';
import { DRY_RUN } from './dry-run.js';

// Runs one line: parse, find the command, check the guest can serve it, run it, print
// its result (human or JSON) or one `error:` line. Never throws: returns the exit status.

export interface ShellEnv {
  guest: Guest;
  registry: Registry;
  out: Output;
  prompt: Prompter;
  session: SessionState;
  debug: boolean;
}

export class ExitRequest {
  constructor(readonly code: number) {}
}

export async function executeLine(line: string, env: ShellEnv, signal: AbortSignal): Promise<number | ExitRequest> {
  let argv: string[];
  try {
    argv = parseLine(line);
  } catch (err) {
    env.out.error(describeError(err));
    return 2;
  }
  if (argv.length === 0) return 0;
  return executeArgv(argv, env, signal);
}

export async function executeArgv(argv: string[], env: ShellEnv, signal: AbortSignal): Promise<number | ExitRequest> {
  const [name, ...rest] = argv as [string, ...string[]];
  let exitCode = 0;
  try {
    const cmd = env.registry.get(name);
    refuseUnservable(cmd, env.guest);
    const args = parseCommandArgs(cmd, rest);
    refuseReadOnly(cmd, args, env.guest);
    const ctx: CommandContext = {
      guest: env.guest,
      out: env.out,
      prompt: env.prompt,
      session: env.session,
      signal,
      json: env.out.json,
      commands: env.registry.commands,
      // A Windows guest path (C:\x, \\server\share) is absolute too.
      guestPath: (p) => (p.startsWith('/') || /^[A-Za-z]:[\\/]/.test(p) || p.startsWith('\\\\') ? p : posix.join(env.session.cwd, p)),
      setExitCode: (code) => {
        exitCode = code;
      },
      invoke: async (inner) => {
        const r = await executeArgv(inner, env, signal);
        return r instanceof ExitRequest ? r.code : r;
      },
    };
    const data = await cmd.run(ctx, args);
    if (data instanceof ExitRequest) return data;
    if (data === PRINTED) return exitCode;
    if (env.out.json) env.out.printJson(data);
    else if (cmd.render && data !== undefined) cmd.render(data as never, env.out);
    return exitCode;
  } catch (err) {
    if (signal.aborted && !(err instanceof CliError)) {
      env.out.error('cancelled');
      return 130;
    }
    env.out.error(describeError(err));
    if (env.debug && err instanceof Error && err.stack) process.stderr.write(err.stack + '\n');
    return err instanceof CliError ? err.exitCode : 1;
  }
}

function refuseUnservable(cmd: CommandDef, guest: Guest): void {
  for (const need of cmd.needs ?? []) {
    if (guest.capabilities.has(need)) continue;
    if (need === 'live') throw new CliError('unsupported', `${cmd.name} needs a running guest: open it with --domain NAME`);
    if (need === 'mount') throw new CliError('unsupported', `${cmd.name} works on disk images only: this guest is ${guest.kind === 'live' ? 'a running VM' : 'a directory'}`);
    if (need === 'exec') throw new CliError('unsupported', `${cmd.name} needs to run programs in the guest, which this guest does not allow`);
    throw new CliError('unsupported', `${cmd.name} is not available on this guest`);
  }
}

function refuseReadOnly(cmd: CommandDef, args: Args, guest: Guest): void {
  if (!guest.readOnly || args.flag(DRY_RUN)) return;
  const mutates = typeof cmd.mutates === 'function' ? cmd.mutates(args) : cmd.mutates === true;
  if (mutates) throw new CliError('refused', `${cmd.name} changes the guest, and this session is read-only (--ro)`);
}
