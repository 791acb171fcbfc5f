// sshd_config as sshd sees it after loading: every file read, the Match blocks, the Includes,
// and each directive in the order sshd processes it (see src/ssh/load-sshd-config.ts).

import type { SshdDirective, SshdLine } from './sshd-config.js';

export interface SshdFile {
  path: string;
  text: string;
  lines: SshdLine[];
}

export interface MatchBlock {
  file: string;
  line: number;
  /** The condition as written (`User anoncvs`). */
  condition: string;
}

export interface Occurrence {
  file: string;
  directive: SshdDirective;
  /** The Match block this line is in (null: global). */
  match: MatchBlock | null;
}

export interface IncludeRecord {
  file: string;
  line: number;
  pattern: string;
  /** The files the pattern matched, in the order sshd reads them. */
  files: string[];
  match: MatchBlock | null;
}

export interface LoadedSshdConfig {
  main: string;
  /** Every file read, keyed by guest path. */
  files: Map<string, SshdFile>;
  /** Every directive except Match and Include, in the order sshd processes them. */
  occurrences: Occurrence[];
  matches: MatchBlock[];
  includes: IncludeRecord[];
  /** Lines sshd would reject or things it would not find. */
  problems: string[];
}
