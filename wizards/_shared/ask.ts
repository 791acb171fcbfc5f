import type { CommandContext } from '../../src/shell/command.js';
import { CliError } from '../../src/util/errors.js';
import { dryRunOption } from '../../src/shell/dry-run.js';

// The wizards' questions: a choice given as a flag is taken as it is (validated); without one, a
// terminal asks (default shown, validation inline), and a script or --yes takes the default.
// Never a prompt without a terminal or with --yes.

/** The options every wizard has: --yes and --dry-run. */
export function wizardOptions() {
  return {
    yes: { type: 'boolean', short: 'y', description: 'take the defaults for every choice not given as a flag and run the plan without asking' },
    ...dryRunOption('print the plan with each step\'s own dry run (diffs) and change nothing'),
  } as const;
}

export class Asker {
  constructor(
    private readonly ctx: CommandContext,
    private readonly yes: boolean,
  ) {}

  /** Whether questions are asked (a terminal, no --yes). */
  get asking(): boolean {
    return this.ctx.prompt.interactive && !this.yes;
  }

  /** A text value: the flag, else the answer, else the default; `validate` returns an error message. */
  async text(flag: string, given: string | undefined, question: string, def: string, validate: (v: string) => string | undefined = () => undefined): Promise<string> {
    if (given !== undefined) {
      const err = validate(given);
      if (err !== undefined) throw new CliError('usage', `--${flag} ${given}: ${err}`);
      return given;
    }
    if (!this.asking) return def;
    return this.ctx.prompt.text(question, { initial: def, validate });
  }

  /** One of `choices`: the flag (checked), else the answer, else the default. */
  async choose<T extends string>(flag: string, given: string | undefined, question: string, choices: readonly T[], def: T): Promise<T> {
    if (given !== undefined) {
      if (!(choices as readonly string[]).includes(given)) throw new CliError('usage', `--${flag} must be one of ${choices.join(', ')}, not ${given}`);
      return given as T;
    }
    if (!this.asking) return def;
    return this.ctx.prompt.choose(question, choices, def);
  }

  /** A yes/no choice given as --NAME / --no-NAME: the flag, else the answer, else the default. */
  async yesNo(flag: string, on: boolean, off: boolean, question: string, def: boolean): Promise<boolean> {
    if (on && off) throw new CliError('usage', `give --${flag} or --no-${flag}, not both`);
    if (on) return true;
    if (off) return false;
    if (!this.asking) return def;
    return this.ctx.prompt.confirm(question, def);
  }
}
