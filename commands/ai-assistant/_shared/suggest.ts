import { parseLine } from '../../../src/shell/parse-line.js';

// The model is told (system prompt) to put each command it suggests on its own line in a fenced
// block whose info string is `guestctl`. suggestedCommands() takes them back out of the answer:
// lines that parse as shell words and start with a known guestctl command; comments (#), blank
// lines and anything else (a host shell command, a pipe) are left out. Pure: text in, lines out.

export const SUGGEST_FENCE = 'guestctl';

export interface Suggested {
  line: string;
  argv: string[];
}

export function suggestedCommands(answer: string, known: (name: string) => boolean): Suggested[] {
  const found: Suggested[] = [];
  const seen = new Set<string>();
  let fenced = false;
  let inBlock = false;
  for (const raw of answer.split('\n')) {
    const line = raw.trim();
    const fence = /^(```+|~~~+)\s*([\w-]*)/.exec(line);
    if (fence) {
      fenced = !fenced;
      inBlock = fenced && fence[2] === SUGGEST_FENCE;
      continue;
    }
    if (!inBlock || line === '' || line.startsWith('#')) continue;
    const cmdLine = line.replace(/^(?:guestctl>\s*|\$\s+|>\s+)/, '');
    if (/[|;&<>`]|\$\(/.test(cmdLine.replace(/'[^']*'|"[^"]*"/g, ''))) continue; // no pipes, redirections or chains
    let argv: string[];
    try {
      argv = parseLine(cmdLine);
    } catch {
      continue; // unbalanced quotes: not a command line
    }
    if (argv.length === 0 || !known(argv[0]!) || seen.has(cmdLine)) continue;
    seen.add(cmdLine);
    found.push({ line: cmdLine, argv });
  }
  return found;
}
