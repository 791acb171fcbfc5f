import { executeLine, ExitRequest, type ShellEnv } from './executor.js';
import type { Lifecycle } from './lifecycle.js';

// Non-interactive use: each line is one command; `#` comments and blank lines are skipped.
// The first failing line stops the run (exit 1, naming the line) unless --keep-going.

export async function runScript(
  lines: Iterable<string> | AsyncIterable<string>,
  env: ShellEnv,
  lifecycle: Lifecycle,
  keepGoing: boolean,
  label: '-c' | 'line',
): Promise<number> {
  let worst = 0;
  let i = -1;
  for await (const raw of lines) {
    i++;
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const result = await lifecycle.runCommand((signal) => executeLine(line, env, signal));
    if (result instanceof ExitRequest) return result.code || worst;
    if (result !== 0) {
      const where = label === '-c' ? `command ${i + 1} (${line})` : `line ${i + 1} (${line})`;
      if (!keepGoing) {
        env.out.error(`stopped at ${where}`);
        return result === 130 ? 130 : 1;
      }
      worst = 1;
    }
  }
  return worst;
}
