import type { DiskUsage } from './types.js';
import type { Resolved } from './resolve.js';
import { parseDuOutput } from '../parsers/du-output.js';
import { CliError } from '../util/errors.js';
import { runTool } from '../util/run-tool.js';

/**
 * On a host-directory guest, GNU du itself walks the resolved host directory: it never follows
 * symlinks (-P is its default), counts hard links once and is faster than any walk Node can
 * do (one Stats object per file). Paths come back NUL-terminated and are mapped to guest paths.
 */
export async function hostDiskUsage(r: Resolved, start: string, depth: number, signal: AbortSignal): Promise<DiskUsage> {
  const res = await runTool('du', ['-B1', '-0', '-d', String(depth), '--', r.hostPath], { cancelSignal: signal });
  if (signal.aborted) throw new CliError('cancelled', 'cancelled');
  return parseDuOutput({ code: res.code, stdout: res.stdout, stderr: res.stderr, sep: '\0', unit: 1, hostStart: r.hostPath, start });
}
