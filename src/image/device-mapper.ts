import { constants, promises as fsp } from 'node:fs';
import { runTool } from '../util/run-tool.js';

// Whether this host's kernel offers device-mapper (dm-crypt, dm-linear...): the control node
// opens and `dmsetup version` answers. GUESTCTL_NO_DM=1 says no, to use the userspace paths.

let cached: Promise<boolean> | null = null;

export function hasDeviceMapper(env: NodeJS.ProcessEnv = process.env): Promise<boolean> {
  if (env.GUESTCTL_NO_DM === '1') return Promise.resolve(false);
  cached ??= probe();
  return cached;
}

async function probe(): Promise<boolean> {
  try {
    const fh = await fsp.open('/dev/mapper/control', constants.O_RDWR);
    await fh.close();
  } catch (err) {
    // No node, or no device-mapper in the kernel behind it (ENODEV, as in many containers).
    if (['ENOENT', 'ENODEV', 'ENXIO'].includes((err as NodeJS.ErrnoException).code ?? '')) return false;
    throw err;
  }
  const r = await runTool('dmsetup', ['version']);
  return r.code === 0;
}
