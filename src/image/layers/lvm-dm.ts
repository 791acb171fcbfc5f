import { runTool } from '../../util/run-tool.js';
import type { Runner } from '../device-mapper.js';
import type { ResourceStack } from '../../resources/stack.js';

// Device-mapper for LVs that are not one linear piece of one PV (several segments, striped):
// `dmsetup create` under a name of our own, never the guest's VG name, so nothing of the guest
// reaches the host's LVM. This machine's kernel has no dm-mod, so only the argv/name/table logic
// is tested here (with a fake runner), not a real dmsetup.

/** The name the guest's udev gives an LV under /dev/mapper: each '-' in a name doubled. */
export function mapperName(vg: string, lv: string): string {
  return `${vg.replace(/-/g, '--')}-${lv.replace(/-/g, '--')}`;
}

/** Our own dm name for an LV: unique per session, only characters dm and shells take as they are. */
export function sessionDmName(session: string, vg: string, lv: string): string {
  return `guestctl-${session}-${vg}-${lv}`.replace(/[^A-Za-z0-9_.+-]/g, '_').slice(0, 127);
}

export function dmCreateArgs(name: string, readOnly: boolean): string[] {
  return ['create', ...(readOnly ? ['--readonly'] : []), name];
}

/** Create the device from the table (on stdin) and record it; returns its /dev/mapper path. */
export async function createDmDevice(
  name: string,
  table: string,
  readOnly: boolean,
  stack: Pick<ResourceStack, 'push'>,
  run: Runner = runTool,
): Promise<string> {
  const r = await run('dmsetup', dmCreateArgs(name, readOnly), { input: table });
  if (r.code !== 0) throw new Error(`dmsetup create ${name}: ${r.stderr.trim() || `exit ${r.code}`}`);
  await stack.push({ kind: 'dm', name, tool: 'dmsetup' });
  const nodes = await run('dmsetup', ['mknodes', name]);
  if (nodes.code !== 0) throw new Error(`dmsetup mknodes ${name}: ${nodes.stderr.trim() || `exit ${nodes.code}`}`);
  return `/dev/mapper/${name}`;
}
