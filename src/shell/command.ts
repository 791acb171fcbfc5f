import type { Guest, GuestCapability } from '../guest/types.js';
import type { Output } from './output.js';
import type { Prompter } from './prompter.js';
import type { CategoryId } from './categories.js';

// A command is a plain object: its help text, argument spec and implementation live
// together, and `help`, usage lines, completion and the README table are generated from it.

export type Completion = 'guest-path' | 'guest-dir' | 'host-path' | 'device' | 'command' | 'none';

export interface PositionalSpec {
  name: string;
  description?: string;
  optional?: boolean;
  variadic?: boolean;
  complete?: Completion;
}

export interface OptionSpec {
  type: 'boolean' | 'string';
  short?: string;
  description: string;
  valueName?: string;
  multiple?: boolean;
}

export interface CommandDef {
  name: string;
  aliases?: string[];
  category: CategoryId;
  summary: string;
  description?: string;
  examples: string[];
  positionals?: PositionalSpec[];
  options?: Record<string, OptionSpec>;
  /** What the guest must offer; the registry refuses the command with a reason otherwise. */
  needs?: GuestCapability[];
  /**
   * Changes the guest: refused on a read-only session. A function decides from the arguments
   * (e.g. `hostname` shows without one and sets with one); `--dry-run` never counts as a change.
   */
  mutates?: boolean | ((args: Args) => boolean);
  /** The command parses its own arguments (e.g. `find` with its -name/-type syntax). */
  rawArgs?: boolean;
  /** Uses the terminal itself (an editor, an interactive program). */
  usesTerminal?: boolean;
  /** Does the work and returns its result as data: printed as JSON with --json, else by render(). */
  run(ctx: CommandContext, args: Args): Promise<unknown>;
  /** Human rendering of what run() returned (nothing is printed for a command without one). */
  render?(data: never, out: Output, args: Args): void;
}

/** What another command line run through ctx.invoke gave back. */
export interface Invoked {
  /** What its run() returned (undefined when it failed: its `error:` line is already on stderr). */
  data: unknown;
  code: number;
  /** Prints the result as the command itself would (its human text; nothing with --json). */
  render(out: Output): void;
}

export function defineCommand<T extends CommandDef>(def: T): T {
  return def;
}

export interface SessionState {
  cwd: string;
}

export interface CommandContext {
  guest: Guest;
  out: Output;
  prompt: Prompter;
  session: SessionState;
  signal: AbortSignal;
  json: boolean;
  /** All commands, for `help` and completion. */
  commands: readonly CommandDef[];
  /** A path typed by the user, made absolute against the guest cwd (symlinks are left to the guest fs). */
  guestPath(path: string): string;
  setExitCode(code: number): void;
  /** Run another command line (argv) in this session and get its result back, unprinted. */
  invoke(argv: string[]): Promise<Invoked>;
  /** The host environment (e.g. EDITOR, VISUAL), read-only. */
  env: Readonly<Record<string, string | undefined>>;
}

export class Args {
  constructor(
    readonly positionals: Record<string, string | string[] | undefined>,
    readonly options: Record<string, string | boolean | string[] | undefined>,
    readonly raw: string[],
  ) {}

  str(name: string): string {
    const v = this.positionals[name] ?? this.options[name];
    if (typeof v !== 'string') throw new Error(`internal: argument ${name} is not a string`);
    return v;
  }

  optStr(name: string): string | undefined {
    const v = this.positionals[name] ?? this.options[name];
    return typeof v === 'string' ? v : undefined;
  }

  list(name: string): string[] {
    const v = this.positionals[name] ?? this.options[name];
    if (v === undefined) return [];
    return Array.isArray(v) ? v : typeof v === 'string' ? [v] : [];
  }

  flag(name: string): boolean {
    return this.options[name] === true;
  }
}
