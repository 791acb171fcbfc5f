import { execFile } from 'node:child_process';
import { CliError } from '../util/errors.js';
import { missingToolError } from '../util/run-tool.js';
import { parseKeyValues, type RegValue } from './reg-text.js';

// The registry is read with hivexget from Debian's libhivex-bin: hivex is the library libguestfs
// itself uses for Windows inspection, maintained with it, and it checks the cells it follows.
// Still, a hostile hive can be cyclic or huge, so every run is bounded in time and output, and
// it only ever runs on a private copy of the hive (see hive-copy.ts), never on a guest path.

export const HIVEX_TIMEOUT_MS = 20_000;
export const HIVEX_MAX_OUTPUT = 8 * 1024 * 1024;

export interface HivexLimits {
  timeoutMs?: number;
  maxOutput?: number;
}

/** Run a hivex tool on a hive file; `label` names the hive in errors (e.g. the guest path). */
export function runHivexTool(tool: string, args: string[], label: string, limits: HivexLimits = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  const timeoutMs = limits.timeoutMs ?? HIVEX_TIMEOUT_MS;
  const maxOutput = limits.maxOutput ?? HIVEX_MAX_OUTPUT;
  return new Promise((resolve, reject) => {
    execFile(tool, args, { timeout: timeoutMs, killSignal: 'SIGKILL', maxBuffer: maxOutput, encoding: 'utf8', env: { LC_ALL: 'C' } }, (err, stdout, stderr) => {
      if (!err) return resolve({ code: 0, stdout, stderr });
      const e = err as NodeJS.ErrnoException & { killed?: boolean; code?: string | number };
      if (e.code === 'ENOENT') return reject(missingToolError(tool));
      if (e.code === 'ERR_CHILD_PROCESS_STDIO_MAXBUFFER')
        return reject(new CliError('failed', `reading registry hive ${label}: ${tool} printed more than ${maxOutput} bytes (a loop in the hive?)`));
      if (e.killed) return reject(new CliError('failed', `reading registry hive ${label}: ${tool} took longer than ${timeoutMs / 1000}s (a loop in the hive?)`));
      if (typeof e.code === 'number') return resolve({ code: e.code, stdout, stderr });
      reject(new CliError('failed', `reading registry hive ${label}: ${tool}: ${e.message}`));
    });
  });
}

/**
 * The values of one key (path below the hive root, backslash-separated), or null when the key
 * does not exist. Any other failure (a damaged hive) is a one-line CliError naming the hive.
 */
export async function readHiveKey(hiveFile: string, key: string, label: string, limits?: HivexLimits): Promise<RegValue[] | null> {
  const r = await runHivexTool('hivexget', [hiveFile, key], label, limits);
  if (r.code !== 0) {
    // (hivex names the private copy it read: the guest's path is in the label already)
    const why = r.stderr.split('\n').map((l) => l.replace(/^hivexsh:\s*/, '').replaceAll(hiveFile, 'the hive').trim()).find((l) => l.length > 0) ?? `exit status ${r.code}`;
    if (/cd: subkey '.*' not found/.test(why)) return null;
    throw new CliError('failed', `reading registry hive ${label}: ${why}`);
  }
  try {
    return parseKeyValues(r.stdout);
  } catch (err) {
    throw new CliError('failed', `reading registry hive ${label}, key ${key}: ${(err as Error).message}`);
  }
}
