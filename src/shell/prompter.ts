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
}
