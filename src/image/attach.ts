import { promises as fsp } from 'node:fs';
import { CliError } from '../util/errors.js';
import { mustRunTool, runTool } from '../util/run-tool.js';
import { type ResourceStack, sleep } from '../session/resources.js';
import { classifyQemuError, imageInfo } from './qemu-img.js';

// Turn an image file into a raw byte view the kernel can loop-mount:
// raw files are used as they are; every other format goes through a
// qemu-storage-daemon FUSE export (a regular file showing the guest disk).

export interface RawDisk {
  /** A file whose bytes are the guest disk (the image itself, or the FUSE export). */
  rawPath: string;
  size: number;
  format: string;
  backingFile: string | null;
}

export async function exposeRaw(
  target: string,
  opts: { readOnly: boolean; format?: string; workDir: string; stack: ResourceStack },
): Promise<RawDisk> {
  const info = await imageInfo(target, { format: opts.format, forceShare: opts.readOnly });
  if (info.format === 'raw') return { rawPath: target, size: info.virtualSize, format: 'raw', backingFile: null };

  const exportPath = `${opts.workDir}/disk.raw`;
  const pidFile = `${opts.workDir}/qsd.pid`;
  await fsp.writeFile(exportPath, '', { mode: 0o600 });
  await opts.stack.push({ kind: 'file', path: exportPath });
  const ro = opts.readOnly;
  const shared = ro ? { 'force-share': true } : {};
  const args = [
    '--blockdev',
    JSON.stringify({ driver: 'file', 'node-name': 'file0', filename: target, 'read-only': ro, ...shared }),
    '--blockdev',
    JSON.stringify({ driver: info.format, 'node-name': 'disk0', file: 'file0', 'read-only': ro, ...shared }),
    '--export',
    JSON.stringify({ type: 'fuse', id: 'export0', 'node-name': 'disk0', mountpoint: exportPath, writable: !ro, 'allow-other': 'off' }),
    '--daemonize',
    '--pidfile',
    pidFile,
  ];
  const r = await runTool('qemu-storage-daemon', args);
  if (r.code !== 0) throw classifyQemuError(target, r.stderr);
  const pid = Number((await fsp.readFile(pidFile, 'utf8')).trim());
  // Unwound in reverse: the daemon stops first (flushing and removing its own FUSE mount).
  await opts.stack.push({ kind: 'mount', path: exportPath });
  await opts.stack.push({ kind: 'daemon', pid, program: 'qemu-storage-daemon' });
  return { rawPath: exportPath, size: info.virtualSize, format: info.format, backingFile: info.backingFile };
}

/** Attach a byte range of a raw disk file as a loop device (partitions are attached by offset). */
export async function attachLoop(
  rawPath: string,
  range: { offset: number; size: number },
  readOnly: boolean,
  stack: ResourceStack,
): Promise<string> {
  const args = ['--find', '--show', '--offset', String(range.offset), '--sizelimit', String(range.size)];
  if (readOnly) args.push('--read-only');
  args.push('--', rawPath);
  let lastError = '';
  // losetup --find can race with another process taking the same free device; retry briefly.
  for (let attempt = 0; attempt < 5; attempt++) {
    const r = await runTool('losetup', args);
    if (r.code === 0) {
      const device = r.stdout.trim();
      await stack.push({ kind: 'loop', device, backing: rawPath, offset: range.offset });
      return device;
    }
    lastError = r.stderr.trim();
    await sleep(50 * (attempt + 1));
  }
  throw new CliError('failed', `cannot attach a loop device: ${lastError} (is the loop module loaded?)`);
}

export async function syncAll(): Promise<void> {
  await mustRunTool('sync', 'sync', []);
}
