// Questions to the user, as the layers below the shell see them: an interface the shell
// implements (src/shell/prompter.ts), so guest, users and parsers code never imports the shell.

export interface Prompter {
  readonly interactive: boolean;
  confirm(question: string, defaultYes?: boolean): Promise<boolean>;
  /** A secret, typed without echo; never stored or logged. */
  password(question: string): Promise<string>;
}
