import { promises as fsp } from 'node:fs';
import { runTool, type ToolResult } from '../util/run-tool.js';

// Whether this host's kernel offers device-mapper (dm-crypt for LUKS, dm-linear/striped for
// LVM): the control node opens and `dmsetup version` answers. Checked once per process;
// GUESTCTL_NO_DM=1 says no, to use the userspace paths.

export type Runner = (tool: string, args: string[], options?: { input?: string }) => Promise<ToolResult>;

let cached: Promise<boolean> | undefined;

export function hasDeviceMapper(run: Runner = runTool, env: NodeJS.ProcessEnv = process.env): Promise<boolean> {
  if (env.GUESTCTL_NO_DM === '1') return Promise.resolve(false);
  cached ??= probe(run);
  return cached;
}

async function probe(run: Runner): Promise<boolean> {
  try {
    const fh = await fsp.open('/dev/mapper/control', 'r+');
    await fh.close();
  } catch (err) {
    // No node, no device-mapper in the kernel behind it (ENODEV, as in many containers), or not ours to use.
    if (['ENOENT', 'ENODEV', 'ENXIO', 'EACCES', 'EPERM'].includes((err as NodeJS.ErrnoException).code ?? '')) return false;
    throw err;
  }
  try {
    return (await run('dmsetup', ['version'])).code === 0;
  } catch (err) {
    if ((err as { code?: string }).code === 'missing-tool') return false;
    throw err;
  }
}
