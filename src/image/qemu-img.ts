import { CliError } from '../util/errors.js';
import { firstLine, runTool } from '../util/run-tool.js';
import { describeLockHolder } from './holders.js';

export interface ImageInfo {
  format: string;
  virtualSize: number;
  /** The backing file as the image records it (may be relative, a `json:` spec or a URL). */
  backingName: string | null;
  /** The same, resolved by QEMU relative to the image's directory. */
  backingPath: string | null;
  /** The backing file's format as the image records it (null: not recorded). */
  backingFormat: string | null;
  /** Extent files of a vmdk descriptor, as recorded. */
  extents: string[];
  /** A qcow2 external data file, as recorded. */
  dataFile: string | null;
}

export const FORMATS = ['raw', 'qcow2', 'vmdk', 'vdi', 'vpc', 'vhdx', 'qed', 'qcow', 'parallels', 'dmg', 'cloop', 'luks'];

/** `--format` names accepted from the user; `vhd` is QEMU's `vpc`, `iso`/`img` are raw. */
export function normalizeFormat(fmt: string): string {
  const f = fmt.toLowerCase();
  if (f === 'vhd') return 'vpc';
  if (f === 'iso' || f === 'img') return 'raw';
  if (!FORMATS.includes(f)) throw new CliError('usage', `unknown image format '${fmt}': use one of raw, qcow2, vmdk, vdi, vhd, vhdx`);
  return f;
}

/**
 * Inspect one image with `qemu-img info` (format probed from content unless forced). This
 * opens that one file only, never its backing file (see chain.ts for the walk).
 * Without force-share, qemu-img needs the image not to be written by anyone else:
 * that is how an image held by another process is detected.
 */
export async function imageInfo(path: string, opts: { format?: string; forceShare: boolean }): Promise<ImageInfo> {
  const args = ['info', '--output=json'];
  if (opts.format) args.push('-f', opts.format);
  if (opts.forceShare) args.push('-U');
  args.push('--', path);
  const r = await runTool('qemu-img', args);
  if (r.code !== 0) throw await classifyQemuError(path, r.stderr);
  let info: QemuImgInfo;
  try {
    info = JSON.parse(r.stdout) as QemuImgInfo;
  } catch {
    throw new CliError('failed', `qemu-img info ${path}: output is not JSON`);
  }
  const specific = info['format-specific'];
  const extents = specific?.type === 'vmdk' ? (specific.data?.extents ?? []).map((e) => e.filename) : [];
  return {
    format: info.format,
    virtualSize: info['virtual-size'],
    backingName: info['backing-filename'] ?? null,
    backingPath: info['full-backing-filename'] ?? info['backing-filename'] ?? null,
    backingFormat: info['backing-filename-format'] ?? null,
    extents,
    dataFile: specific?.type === 'qcow2' ? (specific.data?.['data-file'] ?? null) : null,
  };
}

/**
 * Bytes the image file takes on the host (`actual-size`), read with force-share while a session
 * holds it, with the format the session checked (qemu-img never probes a guest-made header).
 */
export async function imageActualSize(path: string, format: string): Promise<number> {
  const r = await runTool('qemu-img', ['info', '--output=json', '-U', '-f', format, '--', path]);
  if (r.code !== 0) throw new CliError('failed', `qemu-img info ${path}: ${firstLine(r.stderr)}`);
  let size: unknown;
  try {
    size = (JSON.parse(r.stdout) as { 'actual-size'?: unknown })['actual-size'];
  } catch {
    throw new CliError('failed', `qemu-img info ${path}: output is not JSON`);
  }
  if (typeof size !== 'number') throw new CliError('failed', `qemu-img info ${path}: no actual-size`);
  return size;
}

interface QemuImgInfo {
  format: string;
  'virtual-size': number;
  'backing-filename'?: string;
  'full-backing-filename'?: string;
  'backing-filename-format'?: string;
  'format-specific'?: { type: string; data?: { extents?: { filename: string }[]; 'data-file'?: string } };
}

export async function classifyQemuError(path: string, stderr: string): Promise<CliError> {
  const line = firstLine(stderr).replace(/^qemu-(img|storage-daemon): /, '');
  if (/lock/i.test(stderr)) return new CliError('locked', await describeLockHolder(path));
  if (/Permission denied/i.test(stderr)) return new CliError('image', `cannot read ${path}: permission denied`);
  if (/Unknown driver|Unknown format|not in .* format|Invalid|corrupt|Could not open|bad|magic/i.test(stderr))
    return new CliError('image', `cannot open ${path}: ${line || 'not a disk image QEMU can read (corrupt or unknown format)'}`);
  return new CliError('image', `cannot open ${path}: ${line}`);
}
