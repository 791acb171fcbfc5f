import { promises as fsp } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { CliError } from '../util/errors.js';
import { firstLine } from '../util/run-tool.js';
import type { ResourceStack } from '../resources/stack.js';
import { exportBlockdevs } from './attach.js';
import type { Volume } from './volumes.js';

// A LUKS1 volume opened in userspace: qemu-storage-daemon's luks driver over the volume's byte
// range, exported as a FUSE file. The key reaches the daemon through a 0600 file in the
// session's 0700 work dir, there only while the daemon starts (never in its argv or env).

export interface OpenedLuks {
  /** The host file or device holding the decrypted bytes. */
  source: string;
  size: number;
}

export const WRONG_KEY = 'wrong-key';

/** The blockdev chain: the source file → its byte range → the luks driver (node `luks0`). */
export function luksBlockdevs(vol: Pick<Volume, 'source' | 'offset' | 'size'>, readOnly: boolean, sourceIsDevice: boolean): { args: string[]; top: string } {
  const common = { 'read-only': readOnly, ...(readOnly ? { 'force-share': true } : {}) };
  const nodes = [
    { driver: sourceIsDevice ? 'host_device' : 'file', 'node-name': 'file0', filename: vol.source, ...common },
    { driver: 'raw', 'node-name': 'range0', file: 'file0', offset: vol.offset, size: vol.size, ...common },
    { driver: 'luks', 'node-name': 'luks0', file: 'range0', 'key-secret': 'sec0', ...common },
  ];
  return { args: nodes.flatMap((n) => ['--blockdev', JSON.stringify(n)]), top: 'luks0' };
}

export async function openLuksUserspace(
  vol: Volume,
  key: Buffer,
  ctx: { readOnly: boolean; workDir: string; stack: ResourceStack },
): Promise<OpenedLuks | typeof WRONG_KEY> {
  const id = `luks-${randomBytes(4).toString('hex')}`;
  const secretPath = `${ctx.workDir}/${id}.key`;
  const exportPath = `${ctx.workDir}/${id}.raw`;
  const sourceIsDevice = (await fsp.stat(vol.source)).isBlockDevice();
  // Recorded, so that even a session killed right now leaves `guestctl cleanup` a file to remove.
  await ctx.stack.push({ kind: 'file', path: secretPath });
  let r;
  try {
    await fsp.writeFile(secretPath, key, { mode: 0o600, flag: 'wx' });
    r = await exportBlockdevs(luksBlockdevs(vol, ctx.readOnly, sourceIsDevice), {
      exportPath,
      pidFile: `${ctx.workDir}/${id}.pid`,
      writable: !ctx.readOnly,
      stack: ctx.stack,
      objects: [JSON.stringify({ 'qom-type': 'secret', id: 'sec0', file: secretPath, format: 'raw' })],
    });
  } finally {
    await ctx.stack.release((x) => x.kind === 'file' && x.path === secretPath);
  }
  if (/Invalid password, cannot unlock any keyslot/.test(r.stderr)) return WRONG_KEY;
  if (r.code !== 0) throw new CliError('image', `cannot open the LUKS volume ${vol.device}: ${firstLine(r.stderr).replace(/^qemu-storage-daemon: /, '')}`);
  return { source: exportPath, size: (await fsp.stat(exportPath)).size };
}
