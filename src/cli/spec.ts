import type { OptionSpec, PositionalSpec } from '../shell/command.js';
import type { Registry } from '../shell/registry.js';

// A guestctl subcommand (`guestctl scan`, `guestctl edit` ...) is a plain object like a shell
// command: its help, usage lines and argument spec live together, and `guestctl --help`,
// `guestctl CMD --help` and its usage errors are generated from it (src/cli/help.ts).
// A spec file stays light: the work is imported by run(), so help never loads it.

export interface CliOptionSpec extends OptionSpec {
  /** Listed under options in `--help`, left out of the generated usage line. */
  listOnly?: boolean;
}

/** What the composition root (bin/guestctl.js) hands in: src/ never imports commands/. */
export interface CliDeps {
  loadRegistry(): Promise<Registry>;
}

export interface CliCommand<T = unknown> {
  name: string;
  aliases?: string[];
  summary: string;
  description?: string;
  /**
   * Usage lines, when one generated line (positionals, then options) does not say it: words
   * are kept, and `--name`, `-c`, `[--name]` become the option with its value name (and `...`
   * when it repeats).
   */
  forms?: string[];
  positionals?: PositionalSpec[];
  options: Record<string, CliOptionSpec>;
  /** Whole command lines, starting with `guestctl NAME`; the spec test parses each one. */
  examples: string[];
  /** argv (after the subcommand name) to checked options; usage errors are CliError('usage'). */
  parse(argv: string[], env: NodeJS.ProcessEnv): T;
  run(opts: T, deps: CliDeps): Promise<number>;
}

export function defineCliCommand<T>(def: CliCommand<T>): CliCommand<T> {
  return def;
}

/** Colour for human output: a terminal, and neither --no-color nor NO_COLOR. */
export function useColor(noColorFlag: boolean | undefined, env: NodeJS.ProcessEnv): boolean {
  return noColorFlag !== true && !env.NO_COLOR && process.stdout.isTTY === true;
}
