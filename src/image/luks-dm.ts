import { randomBytes } from 'node:crypto';
import { CliError } from '../util/errors.js';
import { firstLine, runTool } from '../util/run-tool.js';
import type { ResourceStack } from '../resources/stack.js';
import { attachLoop } from './attach.js';
import { WRONG_KEY, type OpenedLuks } from './luks-userspace.js';
import type { Volume } from './volumes.js';

// A LUKS volume (1 or 2) opened by the host's dm-crypt: `cryptsetup open` on a loop device of
// the volume's byte range, the key on cryptsetup's stdin, under a name no other session uses.

export interface DmTools {
  run: typeof runTool;
  attachLoop: typeof attachLoop;
}

const CRYPTSETUP_WRONG_KEY = 2; // cryptsetup(8): "2 no permission (bad passphrase)"

export async function openLuksDm(
  vol: Volume,
  key: Buffer,
  uuid: string,
  ctx: { readOnly: boolean; stack: ResourceStack },
  tools: DmTools = { run: runTool, attachLoop },
): Promise<OpenedLuks | typeof WRONG_KEY> {
  const loop = await tools.attachLoop(vol.source, { offset: vol.offset, size: vol.size }, ctx.readOnly, ctx.stack);
  const name = `guestctl-${randomBytes(4).toString('hex')}-luks-${uuid.slice(0, 8)}`;
  const args = ['open', '--type', 'luks', '--key-file=-', ...(ctx.readOnly ? ['--readonly'] : []), loop, name];
  const r = await tools.run('cryptsetup', args, { input: key });
  if (r.code !== 0) {
    await ctx.stack.release((x) => x.kind === 'loop' && x.device === loop);
    if (r.code === CRYPTSETUP_WRONG_KEY) return WRONG_KEY;
    throw new CliError('image', `cannot open the LUKS volume ${vol.device}: cryptsetup: ${firstLine(r.stderr) || `exit ${r.code}`}`);
  }
  await ctx.stack.push({ kind: 'dm', name, tool: 'cryptsetup' });
  const device = `/dev/mapper/${name}`;
  const size = await tools.run('blockdev', ['--getsize64', device]);
  if (size.code !== 0) throw new CliError('failed', `size of ${device}: ${firstLine(size.stderr) || `exit ${size.code}`}`);
  return { source: device, size: Number(size.stdout.trim()) };
}
