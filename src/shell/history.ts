import { appendFileSync, chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname } from 'node:path';

// Per-user prompt history: $GUESTCTL_HISTORY, else $XDG_STATE_HOME/guestctl/history,
// mode 0600, bounded to the newest MAX lines.

export const HISTORY_MAX = 1000;

export function historyPath(): string {
  if (process.env.GUESTCTL_HISTORY) return process.env.GUESTCTL_HISTORY;
  const state = process.env.XDG_STATE_HOME || `${homedir()}/.local/state`;
  return `${state}/guestctl/history`;
}

/** Newest first, as readline wants it. */
export function loadHistory(path = historyPath()): string[] {
  try {
    return readFileSync(path, 'utf8').split('\n').filter(Boolean).slice(-HISTORY_MAX).reverse();
  } catch {
    return [];
  }
}

export function appendHistory(line: string, path = historyPath()): void {
  if (!line.trim()) return;
  try {
    mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
    appendFileSync(path, line.replace(/\n/g, ' ') + '\n', { mode: 0o600 });
    chmodSync(path, 0o600);
    const lines = readFileSync(path, 'utf8').split('\n').filter(Boolean);
    if (lines.length > HISTORY_MAX * 1.5) writeFileSync(path, lines.slice(-HISTORY_MAX).join('\n') + '\n', { mode: 0o600 });
  } catch {
    // history is a convenience: a read-only home must not break the shell
  }
}
