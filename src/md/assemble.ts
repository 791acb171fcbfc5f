import { existsSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { CliError } from '../util/errors.js';
import { runTool, type ToolResult } from '../util/run-tool.js';
import type { ResourceStack } from '../resources/stack.js';

// Assembling a guest's array with the host's md driver (--rw-raid): the members are the
// session's own loop devices, the array gets a name no host array has, and the stack stops it.

export type Runner = (tool: string, args: string[]) => Promise<ToolResult>;

export function hostHasMdDriver(): boolean {
  return existsSync('/proc/mdstat');
}

export function uniqueArrayName(): string {
  return `/dev/md/guestctl-${randomBytes(4).toString('hex')}`;
}

/**
 * mdadm's argv: --run starts a degraded array too; no config file or auto-detection, so the
 * host's mdadm.conf and homehost never rename or claim it; --update is never used.
 */
export function assembleArgs(name: string, members: string[], readOnly: boolean): string[] {
  return ['--assemble', name, '--run', '--config=none', ...(readOnly ? ['--readonly'] : []), '--', ...members];
}

export async function assembleArray(
  members: string[],
  opts: { readOnly: boolean; stack: ResourceStack; run?: Runner; name?: string },
): Promise<{ device: string; size: number }> {
  const run = opts.run ?? runTool;
  const name = opts.name ?? uniqueArrayName();
  const r = await run('mdadm', assembleArgs(name, members, opts.readOnly));
  if (r.code !== 0) throw new CliError('failed', `mdadm --assemble ${name}: ${r.stderr.trim() || `exit ${r.code}`}`);
  await opts.stack.push({ kind: 'md', device: name });
  const size = await run('blockdev', ['--getsize64', name]);
  const bytes = Number(size.stdout.trim());
  if (size.code !== 0 || !Number.isSafeInteger(bytes)) throw new CliError('failed', `blockdev --getsize64 ${name}: ${size.stderr.trim() || size.stdout.trim()}`);
  return { device: name, size: bytes };
}
