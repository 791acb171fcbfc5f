// clean-kernels' choice: which installed kernels go. Pure. The newest `keep` kernels stay
// (the newest always: keep is at least 1), and so do the kernel the boot loader starts by
// default and the one running; metapackages (linux-image-amd64) are never kernels here.

export interface InstalledKernel {
  /** The kernel release, as uname -r prints it (6.1.0-13-amd64, 5.14.0-362.el9.x86_64). */
  release: string;
  /** The packages that carry this kernel (image, modules, headers). */
  packages: string[];
  /** Package version of the kernel package, for ordering. */
  version: string;
  /** Installed size in bytes of its packages (null: not known). */
  size: number | null;
}

export type KeepReason = 'newest' | 'default' | 'running';

export interface KernelChoice {
  kept: { release: string; reasons: KeepReason[] }[];
  remove: InstalledKernel[];
}

export function chooseOldKernels(
  kernels: InstalledKernel[],
  opts: { keep: number; compare: (a: string, b: string) => number; defaultHints: string[]; running: string | null },
): KernelChoice {
  if (opts.keep < 1) throw new Error('keep must be at least 1');
  const newestFirst = [...kernels].sort((a, b) => opts.compare(b.version, a.version) || (a.release < b.release ? 1 : a.release > b.release ? -1 : 0));
  const kept: KernelChoice['kept'] = [];
  const remove: InstalledKernel[] = [];
  newestFirst.forEach((k, i) => {
    const reasons: KeepReason[] = [];
    if (i < opts.keep) reasons.push('newest');
    if (opts.defaultHints.some((h) => namesRelease(h, k.release))) reasons.push('default');
    if (opts.running === k.release) reasons.push('running');
    if (reasons.length > 0) kept.push({ release: k.release, reasons });
    else remove.push(k);
  });
  return { kept, remove };
}

/** `text` (a path, a GRUB title or id) contains the release as a whole word: 6.1.0-1-amd64 is not in vmlinuz-6.1.0-13-amd64. */
export function namesRelease(text: string, release: string): boolean {
  for (let at = text.indexOf(release); at >= 0; at = text.indexOf(release, at + 1)) {
    const before = text[at - 1];
    const after = text[at + release.length];
    if ((before === undefined || !/[A-Za-z0-9.]/.test(before)) && (after === undefined || !/[A-Za-z0-9.]/.test(after))) return true;
  }
  return false;
}
