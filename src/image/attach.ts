import { promises as fsp } from 'node:fs';
import { CliError } from '../util/errors.js';
import { mustRunTool, runTool, type ToolResult } from '../util/run-tool.js';
import { pushMount, type ResourceStack, sleep } from '../resources/stack.js';
import { classifyQemuError } from './qemu-img.js';
import { checkedChain, type ChainLayer } from './chain.js';

// Turn an image file into a raw byte view the kernel can loop-mount:
// raw files are used as they are; every other format goes through a
// qemu-storage-daemon FUSE export (a regular file showing the guest disk).

export interface RawDisk {
  /** A file whose bytes are the guest disk (the image itself, or the FUSE export). */
  rawPath: string;
  size: number;
  format: string;
  /** The checked chain, top first (one layer for an image without backing file). */
  chain: ChainLayer[];
}

/** Formats whose blockdev takes a `backing` option (null: open no backing file at all). */
const COW_FORMATS = new Set(['qcow2', 'qcow', 'qed', 'vmdk']);

/**
 * One --blockdev per layer, bottom first, each a file node on the checked path and a format
 * node with the checked format whose `backing` names the checked node below: QEMU opens these
 * files and nothing else, and probes nothing. With `discard`, the writable top layer's nodes
 * pass discards down (a qcow2 frees the clusters, the file gets holes): what `trim` relies on.
 */
export function chainBlockdevs(chain: ChainLayer[], readOnly: boolean, topIsDevice: boolean, discard = false): { args: string[]; top: string } {
  const args: string[] = [];
  let below: string | null = null;
  for (let i = chain.length - 1; i >= 0; i--) {
    const layer = chain[i]!;
    const isTop = i === 0;
    const ro = isTop ? readOnly : true;
    const shared = readOnly ? { 'force-share': true } : {};
    const unmap = discard && isTop && !readOnly ? { discard: 'unmap' } : {};
    const fileDriver = isTop && topIsDevice ? 'host_device' : 'file';
    args.push('--blockdev', JSON.stringify({ driver: fileDriver, 'node-name': `file${i}`, filename: layer.path, 'read-only': ro, ...shared, ...unmap }));
    const fmt: Record<string, unknown> = { driver: layer.format, 'node-name': `layer${i}`, file: `file${i}`, 'read-only': ro, ...shared, ...unmap };
    if (layer.dataFile) {
      args.push('--blockdev', JSON.stringify({ driver: 'file', 'node-name': `data${i}`, filename: layer.dataFile, 'read-only': ro, ...shared }));
      fmt['data-file'] = `data${i}`;
    }
    if (COW_FORMATS.has(layer.format)) fmt.backing = below;
    args.push('--blockdev', JSON.stringify(fmt));
    below = `layer${i}`;
  }
  return { args, top: 'layer0' };
}

export async function exposeRaw(
  target: string,
  opts: { readOnly: boolean; format?: string; workDir: string; stack: ResourceStack; topIsDevice: boolean },
): Promise<RawDisk> {
  const chain = await checkedChain(target, { format: opts.format, forceShare: opts.readOnly });
  const top = chain[0]!;
  if (top.format === 'raw') return { rawPath: target, size: top.virtualSize, format: 'raw', chain };

  const exportPath = `${opts.workDir}/disk.raw`;
  const r = await exportBlockdevs(chainBlockdevs(chain, opts.readOnly, opts.topIsDevice, true), { exportPath, pidFile: `${opts.workDir}/qsd.pid`, writable: !opts.readOnly, stack: opts.stack });
  if (r.code !== 0) throw await classifyQemuError(target, r.stderr);
  return { rawPath: exportPath, size: top.virtualSize, format: top.format, chain };
}

/**
 * Start a qemu-storage-daemon that opens `nodes` (after `objects`, e.g. a secret) and exports
 * node `nodes.top` as the FUSE file `exportPath`; both are pushed on the stack. A daemon that
 * fails to start leaves nothing behind and its result is returned for the caller to explain.
 */
export async function exportBlockdevs(
  nodes: { args: string[]; top: string },
  opts: { exportPath: string; pidFile: string; writable: boolean; stack: ResourceStack; objects?: string[] },
): Promise<ToolResult> {
  const { exportPath, pidFile, stack } = opts;
  await fsp.writeFile(exportPath, '', { mode: 0o600 });
  await stack.push({ kind: 'file', path: exportPath });
  const args = [
    ...(opts.objects ?? []).flatMap((o) => ['--object', o]),
    ...nodes.args,
    '--export',
    JSON.stringify({ type: 'fuse', id: 'export0', 'node-name': nodes.top, mountpoint: exportPath, writable: opts.writable, 'allow-other': 'off' }),
    '--daemonize',
    '--pidfile',
    pidFile,
  ];
  const r = await runTool('qemu-storage-daemon', args);
  if (r.code !== 0) {
    await stack.release((x) => x.kind === 'file' && x.path === exportPath);
    return r;
  }
  const pid = Number((await fsp.readFile(pidFile, 'utf8')).trim());
  // Unwound in reverse: the daemon stops first (flushing and removing its own FUSE mount).
  await pushMount(stack, exportPath, '/dev/fuse');
  await stack.push({ kind: 'daemon', pid, program: 'qemu-storage-daemon' });
  return r;
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
