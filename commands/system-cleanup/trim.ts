import type { Output } from '../../src/shell/output.js';
import type { CommandContext } from '../../src/shell/command.js';
import type { DiskImageSize, TrimmedFilesystem } from '../../src/guest/types.js';
import { defineCommand } from '../../src/shell/command.js';
import { DRY_RUN, dryRunOption } from '../../src/shell/dry-run.js';
import { escapeForTerminal } from '../../src/shell/escape.js';
import { parseFstrim } from '../../src/parsers/fstrim.js';
import { formatBytes } from '../../src/util/format.js';
import { CliError } from '../../src/util/errors.js';

export interface TrimResult {
  dryRun: boolean;
  live: boolean;
  filesystems: TrimmedFilesystem[];
  /** Offline images: each image file's size on the host before and after. */
  images: { path: string; before: number; after: number | null }[];
}

const LIVE_NOTE = "the host image only shrinks if the VM's disk passes discards (libvirt: <driver discard='unmap'/>)";

/** A running VM: the guest's own fstrim on every mounted filesystem that supports it, through the agent. */
async function trimLive(ctx: CommandContext, dryRun: boolean): Promise<TrimResult> {
  const r = await ctx.guest.exec(['fstrim', '-av', ...(dryRun ? ['--dry-run'] : [])], { signal: ctx.signal, timeoutMs: 600_000 });
  if (r.code === 127) throw new CliError('failed', 'fstrim: the guest has no fstrim (util-linux)');
  // 64: some filesystems trimmed, others do not support discard (a vfat ESP on a plain disk).
  if (r.code !== 0 && r.code !== 64) throw new CliError('failed', `fstrim -av in the guest: ${r.stderr.trim().split('\n')[0] || `exit status ${r.code}`}`);
  if (r.code === 64) for (const l of r.stderr.trim().split('\n')) if (l.trim() !== '') ctx.out.note(`guest fstrim: ${l.trim()}`);
  ctx.out.note(LIVE_NOTE);
  const filesystems = parseFstrim(r.stdout).map((l) => ({ mountpoint: l.mountpoint, device: l.device ?? '', fstype: '', trimmed: l.bytes, note: dryRun ? 'would be trimmed' : null }));
  return { dryRun, live: true, filesystems, images: [] };
}

export const trim = defineCommand({
  name: 'trim',
  aliases: ['fstrim'],
  category: 'system-cleanup',
  summary: 'Discard the free space of every mounted filesystem so a qcow2 (or sparse raw) image shrinks; shows the image size before and after',
  description:
    'On an image: fstrim on each mounted filesystem, through its loop device and the storage daemon (which opens the writable qcow2 with discard=unmap), ' +
    "so freed clusters become holes in the image file; the size is qemu-img's actual-size. Filesystems mounted through a userspace driver (fuse2fs, ntfs-3g...) " +
    "cannot discard and are listed as not trimmed. On a running VM: the guest's fstrim -av through the agent (the host image shrinks only if the VM's disk has discard=unmap). " +
    'Run it after clean-logs, clean-cache, clean-temp or sysprep.',
  examples: ['trim', 'trim --dry-run'],
  options: dryRunOption('list the filesystems that would be trimmed and trim nothing'),
  needs: ['fs'],
  mutates: true,
  journal: { trees: [] },
  async run(ctx, args): Promise<TrimResult> {
    const dryRun = args.flag(DRY_RUN);
    if (ctx.guest.kind === 'live') return trimLive(ctx, dryRun);
    if (ctx.guest.kind !== 'image' || !ctx.guest.trimFilesystems || !ctx.guest.diskSizes) throw new CliError('usage', 'trim needs a disk image or a running VM: a directory has no image to shrink');
    const before: DiskImageSize[] = await ctx.guest.diskSizes();
    const filesystems = await ctx.guest.trimFilesystems(dryRun);
    const after = dryRun ? null : await ctx.guest.diskSizes();
    return { dryRun, live: false, filesystems, images: before.map((b, i) => ({ path: b.path, before: b.actualSize, after: after?.[i]?.actualSize ?? null })) };
  },
  render(r: TrimResult, out: Output) {
    out.table(
      ['MOUNTPOINT', 'DEVICE', 'TRIMMED', 'NOTE'],
      r.filesystems.map((f) => [f.mountpoint, f.device, f.trimmed === null ? '-' : formatBytes(f.trimmed), f.note ?? '']),
    );
    for (const img of r.images) {
      const path = escapeForTerminal(img.path);
      if (img.after === null) out.line(`${path}: ${formatBytes(img.before)} on the host`);
      else out.line(`${path}: ${formatBytes(img.before)} -> ${formatBytes(img.after)} on the host (${img.after <= img.before ? 'freed' : 'grew by'} ${formatBytes(Math.abs(img.before - img.after))})`);
    }
  },
});
