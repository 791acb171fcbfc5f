// The guest's installed kernels and what protects some of them: Debian/Ubuntu from dpkg's
// status file (linux-image-<release> with its linux-modules-*, linux-headers-<release>),
// RHEL/Fedora from the guest's rpm (kernel-core, or kernel on RHEL 7, with kernel-modules*,
// kernel-devel of the same release); the default from the boot loader's files and Debian's
// /vmlinuz link; the running one from uname -r on a live guest.
import type { CommandContext } from '../../../src/shell/command.js';
import { lstatOrNull } from '../../../src/guest/stat-or-null.js';
import { parseDpkgStatus } from '../../../src/parsers/dpkg-status.js';
import { grubDefaultHints } from '../../../src/parsers/grub-default.js';
import { findGrubFiles } from '../../../src/inspect/grub-files.js';
import { CliError } from '../../../src/util/errors.js';
import type { InstalledKernel } from './kernel-selection.js';

/** linux-image-6.1.0-13-amd64 and Ubuntu's linux-image-unsigned-*, not the metapackages (linux-image-amd64, linux-image-generic) nor -dbg. */
const DEB_IMAGE = /^linux-image-(?:unsigned-)?(\d[^\s]*?)$/;

export function debKernels(statusText: string): InstalledKernel[] {
  const installed = new Map(parseDpkgStatus(statusText).map((p) => [p.name, p]));
  const out = new Map<string, InstalledKernel>();
  for (const p of installed.values()) {
    const release = DEB_IMAGE.exec(p.name)?.[1];
    if (!release || /-dbg(sym)?$/.test(release) || out.has(release)) continue;
    const names = [`linux-image-${release}`, `linux-image-unsigned-${release}`, `linux-modules-${release}`, `linux-modules-extra-${release}`, `linux-headers-${release}`].filter((n) => installed.has(n));
    const sizes = names.map((n) => installed.get(n)!.installedSize);
    out.set(release, { release, packages: names, version: p.version, size: sizes.every((s) => s !== null) ? sizes.reduce((a, b) => a + b!, 0) : null });
  }
  return [...out.values()];
}

/** The packages rpm installs once per kernel release. */
const RPM_KERNEL_PARTS = ['kernel', 'kernel-core', 'kernel-modules', 'kernel-modules-core', 'kernel-modules-extra', 'kernel-devel'];
export const RPM_QUERY = ['rpm', '-qa', '--qf', '%{NAME}\\t%{VERSION}\\t%{RELEASE}\\t%{ARCH}\\t%{SIZE}\\n', ...RPM_KERNEL_PARTS];

/** rpm -qa output (RPM_QUERY): one kernel per release that has kernel-core (or kernel, RHEL 7). */
export function rpmKernels(text: string): InstalledKernel[] {
  const out = new Map<string, InstalledKernel & { core: boolean }>();
  for (const line of text.split('\n')) {
    const [name, version, release, arch, size] = line.split('\t');
    if (!name || !RPM_KERNEL_PARTS.includes(name) || size === undefined) continue;
    const rel = `${version}-${release}.${arch}`;
    const k = out.get(rel) ?? { release: rel, packages: [], version: `${version}-${release}`, size: 0, core: false };
    k.packages.push(`${name}-${rel}`);
    k.size = k.size === null || !/^\d+$/.test(size) ? null : k.size + Number(size);
    if (name === 'kernel-core' || name === 'kernel') k.core = true;
    out.set(rel, k);
  }
  return [...out.values()].filter((k) => k.core).map(({ core: _core, ...k }) => k);
}

async function readIfFile(ctx: CommandContext, path: string): Promise<string | null> {
  const st = await lstatOrNull(ctx.guest.fs, path);
  if (st?.type !== 'file') return null;
  return (await ctx.guest.fs.readFile(path)).toString('utf8');
}

/**
 * Strings naming the default kernel: the targets of /vmlinuz and /boot/vmlinuz (Debian's
 * linux-base keeps them on the newest installed or chosen kernel), and GRUB's default entry.
 */
export async function defaultKernelHints(ctx: CommandContext): Promise<string[]> {
  const hints: string[] = [];
  for (const p of ['/vmlinuz', '/boot/vmlinuz']) {
    if ((await lstatOrNull(ctx.guest.fs, p))?.type === 'symlink') hints.push(await ctx.guest.fs.readlink(p));
  }
  const defaultGrub = await readIfFile(ctx, '/etc/default/grub');
  const files = await findGrubFiles(ctx.guest);
  const grubCfg = files.grubCfg === null ? null : await readIfFile(ctx, files.grubCfg);
  const grubenv = files.grubenv === null ? null : await readIfFile(ctx, files.grubenv);
  if (defaultGrub !== null || grubCfg !== null || grubenv !== null) hints.push(...grubDefaultHints({ defaultGrub, grubenv, grubCfg }));
  return hints;
}

/** The running kernel of a live guest (null for a disk image: nothing runs it). */
export async function runningKernel(ctx: CommandContext): Promise<string | null> {
  if (ctx.guest.kind !== 'live') return null;
  const r = await ctx.guest.exec(['uname', '-r'], { signal: ctx.signal });
  if (r.code !== 0 || r.stdout.trim() === '') throw new CliError('failed', `reading the running kernel with the guest's uname -r failed: ${r.stderr.trim() || `exit status ${r.code}`}`);
  return r.stdout.trim();
}
