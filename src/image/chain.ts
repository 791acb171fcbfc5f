import { promises as fsp } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { CliError } from '../util/errors.js';
import { FORMATS, imageInfo, type ImageInfo } from './qemu-img.js';

// An image is untrusted input: its header names its backing file (and a vmdk descriptor its
// extents), and QEMU would open whatever is named there, a host disk, a `json:` spec or a
// network URL included. So the chain is walked one layer at a time (`qemu-img info` without
// --backing-chain never opens a backing file), every file it names must be a regular file,
// and the storage daemon is then handed exactly these files and formats (see attach.ts).

export interface ChainLayer {
  /** Absolute host path of the layer, checked to be a regular file (the top may be a device the user named). */
  path: string;
  format: string;
  virtualSize: number;
  /** A qcow2 external data file, checked to be a regular file. */
  dataFile?: string;
}

const MAX_DEPTH = 32;

/** A name QEMU would treat as a protocol (`nbd:`, `http://`, `file:`...): a colon before any slash. */
function hasProtocol(name: string): boolean {
  const colon = name.indexOf(':');
  const slash = name.indexOf('/');
  return colon > 0 && (slash < 0 || colon < slash);
}

/** Why a name recorded in an image may not be opened, or null when it is a plain path. */
export function refusedName(name: string): string | null {
  if (name.startsWith('json:')) return 'a json: specification';
  if (hasProtocol(name)) return `a ${name.slice(0, name.indexOf(':'))}: URL`;
  return null;
}

async function requireRegularFile(path: string, what: string, image: string): Promise<void> {
  let st;
  try {
    st = await fsp.stat(path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new CliError('image', `${image}: ${what} ${path} ${code === 'ENOENT' ? 'does not exist' : `cannot be read (${code})`}`);
  }
  if (st.isFile()) return;
  const kind = st.isBlockDevice() ? 'a block device' : st.isCharacterDevice() ? 'a character device' : st.isDirectory() ? 'a directory' : 'not a regular file';
  throw new CliError('refused', `${image}: refusing ${what} ${path}: it is ${kind}, not a regular file`);
}

function checkName(name: string, what: string, image: string): void {
  const why = refusedName(name);
  if (why) throw new CliError('refused', `${image}: refusing ${what} '${name}': it is ${why}, only regular files are opened`);
}

async function checkExtents(layer: string, info: ImageInfo): Promise<void> {
  for (const extent of info.extents) {
    checkName(extent, 'vmdk extent', layer);
    await requireRegularFile(resolve(dirname(layer), extent), 'vmdk extent', layer);
  }
}

/**
 * `qemu-img info` on a vmdk descriptor opens its extents: read a text descriptor ourselves
 * first, so an extent that is a device or a URL is refused before anything opens it.
 */
async function checkDescriptorExtents(layer: string): Promise<void> {
  const fh = await fsp.open(layer, 'r');
  let head: string;
  try {
    const buf = Buffer.alloc(64 * 1024);
    const { bytesRead } = await fh.read(buf, 0, buf.length, 0);
    head = buf.subarray(0, bytesRead).toString('latin1');
  } finally {
    await fh.close();
  }
  if (!head.startsWith('# Disk DescriptorFile')) return;
  for (const m of head.matchAll(/^\s*(?:RW|RDONLY|NOACCESS)\s+\d+\s+\w+\s+"([^"]*)"/gm)) {
    checkName(m[1]!, 'vmdk extent', layer);
    await requireRegularFile(resolve(dirname(layer), m[1]!), 'vmdk extent', layer);
  }
}

/**
 * Inspect and check the whole chain, top first. `format` forces the top's format (no probing);
 * a backing file's format must be recorded in the layer above it, never probed.
 */
export async function checkedChain(top: string, opts: { format?: string; forceShare: boolean }): Promise<ChainLayer[]> {
  const chain: ChainLayer[] = [];
  let path = top;
  let format = opts.format;
  for (;;) {
    await checkDescriptorExtents(path);
    const info = await imageInfo(path, { format, forceShare: opts.forceShare });
    await checkExtents(path, info);
    const layer: ChainLayer = { path, format: info.format, virtualSize: info.virtualSize };
    if (info.dataFile) {
      checkName(info.dataFile, 'qcow2 data file', path);
      layer.dataFile = resolve(dirname(path), info.dataFile);
      await requireRegularFile(layer.dataFile, 'qcow2 data file', path);
    }
    chain.push(layer);
    if (!info.backingName) return chain;
    checkName(info.backingName, 'backing file', path);
    const next = resolve(dirname(path), info.backingPath ?? info.backingName);
    await requireRegularFile(next, 'backing file', path);
    if (!info.backingFormat)
      throw new CliError(
        'image',
        `${path}: the format of its backing file ${next} is not recorded (guestctl does not guess it): record it with qemu-img rebase -u -F FORMAT -b ${next} ${path}`,
      );
    if (!FORMATS.includes(info.backingFormat))
      throw new CliError('refused', `${path}: refusing backing format '${info.backingFormat}' of ${next}: not an image format`);
    if (chain.some((l) => l.path === next)) throw new CliError('refused', `${path}: backing chain loops back to ${next}`);
    if (chain.length >= MAX_DEPTH) throw new CliError('refused', `${top}: backing chain deeper than ${MAX_DEPTH} layers`);
    path = next;
    format = info.backingFormat;
  }
}

/** `top.qcow2 (qcow2) → base.qcow2 (qcow2)` */
export function describeChain(chain: { path: string; format: string }[]): string {
  return chain.map((l) => `${l.path} (${l.format})`).join(' → ');
}
