import { loadRegistry } from '../../commands/index.js';
import type { CommandDef, SessionState } from '../../src/shell/command.js';
import { ExitRequest, executeArgv, type ShellEnv } from '../../src/shell/executor.js';
import { Output } from '../../src/shell/output.js';
import { parseLine } from '../../src/shell/parse-line.js';
import { TtyPrompter, type Prompter } from '../../src/shell/prompter.js';
import { Registry, type Plugin } from '../../src/shell/registry.js';
import type { Guest } from '../../src/guest/types.js';

// Run one command through the real executor (argument parsing, capability and read-only
// checks, run, render or JSON, the `error:` line and exit status), on any Guest, with the
// output in strings. `data` is what the command's run() returned (undefined when it threw).

export interface RunOptions {
  guest: Guest;
  json?: boolean;
  /** Whether stdout and stderr say they are a terminal. */
  tty?: boolean;
  /** The session's working directory (default /). */
  cwd?: string;
  /** Default: a prompter without a terminal (every question is an error naming the option). */
  prompt?: Prompter;
  signal?: AbortSignal;
  /** The host environment the command sees (ctx.env); default empty. */
  env?: Record<string, string>;
  /** Session state shared across runs (the change journal lives there); default a fresh one at `cwd`. */
  session?: SessionState;
}

export interface RunResult {
  data: unknown;
  stdout: string;
  stderr: string;
  code: number;
}

export async function runCommand(cmd: CommandDef, argv: string[], opts: RunOptions): Promise<RunResult> {
  let data: unknown;
  const probe: CommandDef = {
    ...cmd,
    run: async (ctx, args) => {
      data = await cmd.run(ctx, args);
      return data;
    },
  };
  const stdout = sink(opts.tty === true);
  const stderr = sink(opts.tty === true);
  const out = new Output(opts.json === true, false, { stdout: stdout.stream, stderr: stderr.stream });
  const env: ShellEnv = {
    guest: opts.guest,
    registry: registryWith(probe),
    out,
    prompt: opts.prompt ?? new TtyPrompter(false),
    session: opts.session ?? { cwd: opts.cwd ?? '/' },
    debug: false,
    hostEnv: opts.env ?? {},
  };
  const r = await executeArgv([cmd.name, ...argv], env, opts.signal ?? new AbortController().signal);
  return { data, stdout: stdout.text(), stderr: stderr.text(), code: r instanceof ExitRequest ? r.code : r };
}

/** The real registry with `cmd` in place of the command of that name (or added to its category). */
function registryWith(cmd: CommandDef): Registry {
  const byCategory = new Map<Plugin['category'], CommandDef[]>();
  let replaced = false;
  for (const c of loadRegistry().commands) {
    const list = byCategory.get(c.category) ?? [];
    if (c.name === cmd.name) replaced = true;
    list.push(c.name === cmd.name ? cmd : c);
    byCategory.set(c.category, list);
  }
  if (!replaced) byCategory.set(cmd.category, [...(byCategory.get(cmd.category) ?? []), cmd]);
  return new Registry([...byCategory].map(([category, commands]) => ({ category, commands })));
}

function sink(isTTY: boolean): { stream: NodeJS.WritableStream; text(): string } {
  const chunks: Buffer[] = [];
  const stream = {
    isTTY,
    write(chunk: string | Uint8Array): boolean {
      chunks.push(Buffer.from(chunk));
      return true;
    },
  };
  return { stream: stream as unknown as NodeJS.WritableStream, text: () => Buffer.concat(chunks).toString('utf8') };
}

/** runCommand for a command line as typed in the shell: `runLine('ls -l /home', { guest })`. */
export async function runLine(line: string, opts: RunOptions): Promise<RunResult> {
  const [name, ...argv] = parseLine(line);
  if (name === undefined) throw new Error('runLine: empty line');
  const cmd = loadRegistry().find(name);
  if (!cmd) throw new Error(`runLine: no command ${name}`);
  return runCommand(cmd, argv, opts);
}
