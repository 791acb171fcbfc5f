import { execa, type Options } from 'execa';
import { CliError } from './errors.js';

// Which Debian package provides each host tool guestctl runs, for "missing tool" errors.
const debianPackageOf: Record<string, string> = {
  'qemu-img': 'qemu-utils',
  'qemu-nbd': 'qemu-utils',
  'qemu-storage-daemon': 'qemu-system-common',
  losetup: 'mount',
  mount: 'mount',
  umount: 'mount',
  blkid: 'util-linux',
  bwrap: 'bubblewrap',
  setpriv: 'util-linux',
  bash: 'bash',
  slirp4netns: 'slirp4netns',
  findmnt: 'util-linux',
  getfattr: 'attr',
  setfattr: 'attr',
  fuse2fs: 'fuse2fs',
  fusefat: 'fusefat',
  fuseiso: 'fuseiso',
  'ntfs-3g': 'ntfs-3g',
  hivexget: 'libhivex-bin',
  fusermount3: 'fuse3',
  sync: 'coreutils',
  cryptsetup: 'cryptsetup-bin',
  dmsetup: 'dmsetup',
  blockdev: 'util-linux',
  fstrim: 'util-linux',
};

export function missingToolError(tool: string): CliError {
  const pkg = debianPackageOf[tool];
  return new CliError('missing-tool', `${tool} not found: install the Debian package ${pkg ?? tool}`);
}

export interface ToolResult {
  code: number;
  /** The signal that killed the tool, when one did (code is then 1). */
  signal?: string;
  stdout: string;
  stderr: string;
}

/** Run a host tool with an argv array; never throws for a non-zero exit, only for a missing tool. */
export async function runTool(tool: string, args: string[], options: Options = {}): Promise<ToolResult> {
  try {
    const r = await execa(tool, args, {
      reject: false,
      stripFinalNewline: false,
      env: { LC_ALL: 'C' },
      ...options,
    });
    if (r.exitCode === undefined && (r as { code?: string }).code === 'ENOENT') throw missingToolError(tool);
    const failedSpawn = (r as { cause?: NodeJS.ErrnoException }).cause;
    if (failedSpawn?.code === 'ENOENT') throw missingToolError(tool);
    return { code: r.exitCode ?? 1, stdout: String(r.stdout ?? ''), stderr: String(r.stderr ?? ''), ...(r.signal ? { signal: r.signal } : {}) };
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw missingToolError(tool);
    throw err;
  }
}

/** Run a host tool and fail with `<what>: <tool's first stderr line>` on a non-zero exit. */
export async function mustRunTool(what: string, tool: string, args: string[], options: Options = {}): Promise<ToolResult> {
  const r = await runTool(tool, args, options);
  if (r.code !== 0) {
    const detail = firstLine(r.stderr) || firstLine(r.stdout) || `exit status ${r.code}`;
    throw new CliError('failed', `${what}: ${detail}`);
  }
  return r;
}

export function firstLine(text: string): string {
  return text.split('\n').map((l) => l.trim()).find((l) => l.length > 0) ?? '';
}
