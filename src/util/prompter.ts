// Questions to the user, as the layers below the shell see them: an interface the shell
// implements (src/shell/prompter.ts), so guest, users and parsers code never imports the shell.

export interface Prompter {
  readonly interactive: boolean;
  confirm(question: string, defaultYes?: boolean): Promise<boolean>;
  /** A secret, typed without echo; never stored or logged. */
  password(question: string): Promise<string>;
  /** A line of text; `validate` returns an error message for a bad answer (asked again inline). */
  text(question: string, opts?: { initial?: string; validate?: (answer: string) => string | undefined }): Promise<string>;
  /** One of `choices`; `initial` is the default. */
  choose<T extends string>(question: string, choices: readonly T[], initial?: T): Promise<T>;
}
