import enquirer from 'enquirer';
import { CliError } from '../util/errors.js';
import type { Prompter } from '../util/prompter.js';

// Questions to the user on the terminal. Only on a TTY: in scripts a question is an error that
// names the option to pass instead, never a silent default.

export type { Prompter };

export class TtyPrompter implements Prompter {
  constructor(readonly interactive: boolean) {}

  async confirm(question: string, defaultYes = false): Promise<boolean> {
    if (!this.interactive) throw new CliError('usage', `${question}: cannot ask without a terminal`);
    try {
      const answer = (await enquirer.prompt({ type: 'confirm', name: 'ok', message: question, initial: defaultYes })) as { ok: boolean };
      return answer.ok;
    } catch {
      throw new CliError('cancelled', 'cancelled');
    }
  }

  async password(question: string): Promise<string> {
    if (!this.interactive) throw new CliError('usage', `${question}: cannot ask without a terminal`);
    let answer: { secret: string };
    try {
      // On stderr, like passwd(1) and ssh-keygen: stdout may be a --json result or a pipe.
      answer = (await enquirer.prompt({ type: 'invisible', name: 'secret', message: question, stdout: process.stderr })) as { secret: string };
    } catch {
      throw new CliError('cancelled', 'cancelled');
    }
    return answer.secret ?? '';
  }

  async text(question: string, opts: { initial?: string; validate?: (answer: string) => string | undefined } = {}): Promise<string> {
    if (!this.interactive) throw new CliError('usage', `${question}: cannot ask without a terminal`);
    const validate = opts.validate;
    try {
      const answer = (await enquirer.prompt({
        type: 'input',
        name: 'value',
        message: question,
        initial: opts.initial,
        stdout: process.stderr,
        validate: validate ? (v: string) => validate(v) ?? true : undefined,
      })) as { value: string };
      return answer.value ?? '';
    } catch {
      throw new CliError('cancelled', 'cancelled');
    }
  }

  async choose<T extends string>(question: string, choices: readonly T[], initial?: T): Promise<T> {
    if (!this.interactive) throw new CliError('usage', `${question}: cannot ask without a terminal`);
    try {
      const answer = (await enquirer.prompt({
        type: 'select',
        name: 'value',
        message: question,
        choices: [...choices],
        initial: initial === undefined ? 0 : Math.max(0, choices.indexOf(initial)),
        stdout: process.stderr,
      })) as { value: T };
      return answer.value;
    } catch {
      throw new CliError('cancelled', 'cancelled');
    }
  }
}
