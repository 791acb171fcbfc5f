// Runs a package manager in the guest for the update checks: C locale (stable text to parse),
// never interactive, the network only when asked (offline jail; a live guest has its own).
import type { ExecResult, Guest } from '../../guest/types.js';
import { CliError } from '../../util/errors.js';

export interface ManagerRun {
  guest: Guest;
  signal?: AbortSignal;
  timeoutMs?: number;
}

export async function runManager(r: ManagerRun, argv: string[], network = false, extraEnv: Record<string, string> = {}): Promise<ExecResult> {
  const env = { LC_ALL: 'C', DEBIAN_FRONTEND: 'noninteractive', ...extraEnv };
  const res = await r.guest.exec(argv, { network, env, signal: r.signal, ...(r.timeoutMs ? { timeoutMs: r.timeoutMs } : {}) });
  if (res.code === 127) throw new CliError('missing-tool', `${argv[0]}: not found in the guest`);
  return res;
}

/** The first meaningful line of a manager's messages, or its exit status. */
export function firstLine(text: string, code: number): string {
  return text.split('\n').map((l) => l.trim()).find((l) => l !== '') ?? `exit status ${code}`;
}
