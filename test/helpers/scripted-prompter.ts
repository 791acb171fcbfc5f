import type { Prompter } from '../../src/util/prompter.js';

/** A Prompter for unit tests: each question goes to the given answerer, or fails the test when none is given. */
export function scriptedPrompter(answers: Partial<Omit<Prompter, 'interactive'>> & { interactive?: boolean } = {}): Prompter {
  const unexpected = (kind: string) => async (question: string): Promise<never> => {
    throw new Error(`unexpected ${kind} question in a test: ${question}`);
  };
  return {
    interactive: answers.interactive ?? true,
    confirm: answers.confirm ?? unexpected('confirm'),
    password: answers.password ?? unexpected('password'),
    text: answers.text ?? unexpected('text'),
    choose: answers.choose ?? (unexpected('choose') as Prompter['choose']),
  };
}
