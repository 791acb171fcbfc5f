import type { Guest, GuestCapability } from '../guest/types.js';
import type { Output } from './output.js';
import type { Prompter } from './prompter.js';
import type { CategoryId } from './categories.js';
import type { Journal } from '../change-journal/journal.js';

// A command is a plain object: its help text, argument spec and implementation live
// together, and `help`, usage lines, completion and the README table are generated from it.

export type GuestOsType = 'linux' | 'windows';

export type Completion = 'guest-path' | 'guest-dir' | 'host-path' | 'device' | 'command' | 'none';

export interface PositionalSpec {
  name: string;
  description?: string;
  optional?: boolean;
  variadic?: boolean;
  complete?: Completion;
  /**
   * Names a file on the HOST the command reads (true), or picks the host path out of a value that
   * may be one (undefined: this value is not a host path). `template-save` lists them; `template-check` checks they exist.
   */
  hostPath?: true | ((value: string) => string | undefined);
  /** Carries a secret: `template-save` refuses an inline value; a hostPath one stays a reference to the file. */
  secret?: true;
}

export interface OptionSpec {
  type: 'boolean' | 'string';
  short?: string;
  description: string;
  valueName?: string;
  multiple?: boolean;
  /**
   * Names a file on the HOST the command reads (true), or picks the host path out of a value that
   * may be one (undefined: this value is not a host path). `template-save` lists them; `template-check` checks they exist.
   */
  hostPath?: true | ((value: string) => string | undefined);
  /** Carries a secret: `template-save` refuses an inline value; a hostPath one stays a reference to the file. */
  secret?: true;
}

export interface CommandDef {
  name: string;
  aliases?: string[];
  category: CategoryId;
  summary: string;
  description?: string;
  examples: string[];
  positionals?: readonly PositionalSpec[];
  options?: Readonly<Record<string, OptionSpec>>;
  /** What the guest must offer; the registry refuses the command with a reason otherwise. */
  needs?: GuestCapability[];
  /** The guests it applies to (default: its category's, see src/shell/guest-os.ts); refused on others. */
  os?: readonly GuestOsType[];
  /**
   * Changes the guest: refused on a read-only session. A function decides from the arguments
   * (e.g. `hostname` shows without one and sets with one); `--dry-run` never counts as a change.
   */
  mutates?: boolean | ((args: Args) => boolean);
  /**
   * May write without always changing the guest (`run`): not refused on a read-only session,
   * but on an image opened read-write the filesystems are made writable before it runs.
   */
  mayWrite?: boolean;
  /**
   * For the change journal: which guest trees and whether the package set a command's guest programs
   * change (see JournalSpec); `false` for a command that must not be journaled itself (undo).
   */
  journal?: false | JournalSpec;
  /** The command parses its own arguments (e.g. `find` with its -name/-type syntax). */
  rawArgs?: boolean;
  /** Uses the terminal itself (an editor, an interactive program). */
  usesTerminal?: boolean;
  /** Does the work and returns its result as data: printed as JSON with --json, else by render(). */
  run(ctx: CommandContext, args: Args): Promise<unknown>;
  /** Human rendering of what run() returned (nothing is printed for a command without one). */
  render?(data: never, out: Output, args: Args): void;
}

/**
 * What run() returns when it printed its result as it went (a watch streaming samples): the
 * executor prints nothing more, with or without --json; ctx.invoke() callers get `data`.
 */
export class Streamed<T = unknown> {
  constructor(readonly data: T) {}
}

export interface InvokeOptions {
  quiet?: boolean;
}

/** What another command line run through ctx.invoke gave back. */
export interface Invoked {
  /** What its run() returned (undefined when it failed: its `error:` line is on stderr unless invoked quietly). */
  data: unknown;
  code: number;
  /** The failure's one line (without `error: `), when it failed. */
  error?: string;
  /** Prints the result as the command itself would (its human text; nothing with --json). */
  render(out: Output): void;
}

// Argument names are typed from the spec, as citty does: defineCommand infers the literal
// positionals and options, so `args.str('MODE')` with a name the spec does not declare, or
// `args.flag` on a string option, fails to compile. The registry holds the erased CommandDef.

/** Which names each accessor of Args accepts. */
export interface ArgNames {
  /** Single-valued: non-variadic positionals and string options without `multiple`. */
  str: string;
  /** Many-valued: variadic positionals and `multiple` options. */
  list: string;
  /** Boolean options. */
  flag: string;
}

type NamesOf<P extends readonly PositionalSpec[], O extends Readonly<Record<string, OptionSpec>>> = {
  str: Exclude<P[number], { variadic: true }>['name'] | { [K in keyof O & string]: O[K] extends { type: 'string' } ? (O[K] extends { multiple: true } ? never : K) : never }[keyof O & string];
  list: Extract<P[number], { variadic: true }>['name'] | { [K in keyof O & string]: O[K] extends { multiple: true } ? K : never }[keyof O & string];
  flag: { [K in keyof O & string]: O[K] extends { type: 'boolean' } ? K : never }[keyof O & string];
};

/** A command as written: CommandDef with run() and mutates() typed by its own spec. */
export type TypedCommandDef<P extends readonly PositionalSpec[], O extends Readonly<Record<string, OptionSpec>>> = Omit<
  CommandDef,
  'positionals' | 'options' | 'mutates' | 'run'
> & {
  positionals?: P;
  options?: O;
  mutates?: boolean | ((args: Args<NamesOf<P, O>>) => boolean);
  run(ctx: CommandContext, args: Args<NamesOf<P, O>>): Promise<unknown>;
};

export function defineCommand<const P extends readonly PositionalSpec[] = readonly [], const O extends Readonly<Record<string, OptionSpec>> = {}>(
  def: TypedCommandDef<P, O>,
): TypedCommandDef<P, O> {
  return def;
}

export interface SessionState {
  cwd: string;
  /** What this session's mutating commands changed (made by the executor on the first one). */
  journal?: Journal;
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
  /**
   * Run another command line (argv) in this session and get its result back, unprinted.
   * `quiet`: a failure is returned in `error` and not printed (the `ai` assistant hands it to the model).
   */
  invoke(argv: string[], opts?: InvokeOptions): Promise<Invoked>;
  /** The host environment (e.g. EDITOR, VISUAL), read-only. */
  env: Readonly<Record<string, string | undefined>>;
}

export class Args<N extends ArgNames = ArgNames> {
  constructor(
    readonly positionals: Record<string, string | string[] | undefined>,
    readonly options: Record<string, string | boolean | string[] | undefined>,
    readonly raw: string[],
  ) {}

  str(name: N['str']): string {
    const v = this.positionals[name] ?? this.options[name];
    if (typeof v !== 'string') throw new Error(`internal: argument ${name} is not a string`);
    return v;
  }

  optStr(name: N['str']): string | undefined {
    const v = this.positionals[name] ?? this.options[name];
    return typeof v === 'string' ? v : undefined;
  }

  list(name: N['list']): string[] {
    const v = this.positionals[name] ?? this.options[name];
    if (v === undefined) return [];
    return Array.isArray(v) ? v : typeof v === 'string' ? [v] : [];
  }

  flag(name: N['flag']): boolean {
    return this.options[name] === true;
  }
}

/**
 * A command's journal declaration (spec field `journal`) for changes made by guest programs it runs:
 * `trees` are snapshotted before and compared after (offline guests), `packages` records the
 * package manager's installed set before and after. `false`: the command is not journaled (undo).
 */
export interface JournalSpec {
  /** Guest trees (or, from the arguments, e.g. the directory a clone goes to); [] when the programs change no file. */
  trees?: readonly string[] | ((args: Args, guestPath: (typed: string) => string) => readonly string[]);
  packages?: boolean;
}
