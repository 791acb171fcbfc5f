import { CliError } from '../util/errors.js';
import { firstLine, runTool } from '../util/run-tool.js';

export interface ImageInfo {
  format: string;
  virtualSize: number;
  backingFile: string | null;
}

const FORMATS = ['raw', 'qcow2', 'vmdk', 'vdi', 'vpc', 'vhdx', 'qed', 'qcow', 'parallels', 'dmg', 'cloop', 'luks'];

/** `--format` names accepted from the user; `vhd` is QEMU's `vpc`, `iso`/`img` are raw. */
export function normalizeFormat(fmt: string): string {
  const f = fmt.toLowerCase();
  if (f === 'vhd') return 'vpc';
  if (f === 'iso' || f === 'img') return 'raw';
  if (!FORMATS.includes(f)) throw new CliError('usage', `unknown image format '${fmt}': use one of raw, qcow2, vmdk, vdi, vhd, vhdx`);
  return f;
}

/**
 * Inspect an image with `qemu-img info` (format probed from content unless forced).
 * Without force-share, qemu-img needs the image not to be written by anyone else:
 * that is how an image held by a running QEMU is detected.
 */
export async function imageInfo(path: string, opts: { format?: string; forceShare: boolean }): Promise<ImageInfo> {
  const args = ['info', '--output=json'];
  if (opts.format) args.push('-f', opts.format);
  if (opts.forceShare) args.push('-U');
  args.push('--', path);
  const r = await runTool('qemu-img', args);
  if (r.code !== 0) throw classifyQemuError(path, r.stderr);
  const info = JSON.parse(r.stdout) as { format: string; 'virtual-size': number; 'full-backing-filename'?: string; 'backing-filename'?: string };
  return {
    format: info.format,
    virtualSize: info['virtual-size'],
    backingFile: info['full-backing-filename'] ?? info['backing-filename'] ?? null,
  };
}

export function classifyQemuError(path: string, stderr: string): CliError {
  const line = firstLine(stderr).replace(/^qemu-(img|storage-daemon): /, '');
  if (/lock/i.test(stderr))
    return new CliError(
      'locked',
      `${path} is in use by a running QEMU (image locked): open it read-only with --ro, or open the running VM with --domain NAME`,
    );
  if (/Permission denied/i.test(stderr)) return new CliError('image', `cannot read ${path}: permission denied`);
  if (/Unknown driver|Unknown format|not in .* format|Invalid|corrupt|Could not open|bad|magic/i.test(stderr))
    return new CliError('image', `cannot open ${path}: ${line || 'not a disk image QEMU can read (corrupt or unknown format)'}`);
  return new CliError('image', `cannot open ${path}: ${line}`);
}
