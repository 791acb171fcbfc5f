import { defineCommand, type CommandContext } from '../../src/shell/command.js';
import type { Output } from '../../src/shell/output.js';
import { DRY_RUN } from '../../src/shell/dry-run.js';
import { escapeForTerminal as esc } from '../../src/shell/escape.js';
import { removeStep, type ManagerStep } from '../../src/packages/manager-commands.js';
import { runManagerStep } from '../../src/packages/run-step.js';
import { parseAptSimulate } from '../../src/parsers/apt-simulate.js';
import { compareDebianVersions, compareRpmVersions } from '../../src/packages/version-order.js';
import { CliError } from '../../src/util/errors.js';
import { formatBytes } from '../../src/util/format.js';
import { parseCount } from '../../src/util/option-values.js';
import { measureFreed, type FilesystemFree } from './_shared/free-space.js';
import { CLEANUP_DRY_RUN } from './_shared/options.js';
import { freedText } from './_shared/report.js';
import { RPM_QUERY, debKernels, defaultKernelHints, rpmKernels, runningKernel } from './_shared/installed-kernels.js';
import { chooseOldKernels, type InstalledKernel, type KernelChoice } from './_shared/kernel-selection.js';
import { PACKAGE_JOURNAL } from '../../src/change-journal/package-state-trees.js';

export const DEFAULT_KEEP = 2;
const TIMEOUT_MS = 1_800_000;

interface CleanKernelsResult {
  dryRun: boolean;
  kept: KernelChoice['kept'];
  removed: InstalledKernel[];
  /** Installed size of the removed packages, as the package database says. */
  listedBytes: number | null;
  commands: string[];
  freedBytes: number | null;
  filesystems: FilesystemFree[];
}

interface KernelDatabase {
  read(ctx: CommandContext): Promise<InstalledKernel[]>;
  compare(a: string, b: string): number;
  remove(packages: string[]): ManagerStep;
}

const DEB: KernelDatabase = {
  read: async (ctx) => debKernels((await ctx.guest.fs.readFile('/var/lib/dpkg/status')).toString('utf8')),
  compare: compareDebianVersions,
  remove: (packages) => removeStep('apt', packages, true),
};

const rpm = (m: 'dnf' | 'yum'): KernelDatabase => ({
  async read(ctx) {
    const r = await ctx.guest.exec(RPM_QUERY, { env: { LC_ALL: 'C' }, signal: ctx.signal });
    if (r.code !== 0) throw new CliError('failed', `listing the kernels with the guest's rpm -qa failed: ${r.stderr.trim().split('\n')[0] || `exit status ${r.code}`}`);
    return rpmKernels(r.stdout);
  },
  compare: (a, b) => compareRpmVersions(splitRpm(a), splitRpm(b)),
  remove: (packages) => removeStep(m, packages),
});

function splitRpm(v: string): { version: string; release: string } {
  const dash = v.lastIndexOf('-');
  return { version: v.slice(0, dash), release: v.slice(dash + 1) };
}

function database(ctx: CommandContext): KernelDatabase {
  const m = ctx.guest.os.packageManager;
  if (m === 'apt') return DEB;
  if (m === 'dnf' || m === 'yum') return rpm(m);
  throw new CliError('unsupported', `clean-kernels: not supported yet on ${m ? `${m} guests` : 'a guest without a known package manager'} (apt, dnf and yum guests only)`);
}

/** apt-get purge would also take packages that depend on the old kernels (a driver module package): refuse rather than remove them. */
async function checkAptRemovesOnly(ctx: CommandContext, packages: string[]): Promise<void> {
  const r = await ctx.guest.exec(['apt-get', '-s', 'purge', '--', ...packages], { env: { LC_ALL: 'C' }, signal: ctx.signal });
  if (r.code !== 0) throw new CliError('failed', `apt-get -s purge (simulating the removal) failed: ${`${r.stderr}\n${r.stdout}`.trim().split('\n').pop() || `exit status ${r.code}`}`);
  const others = parseAptSimulate(r.stdout).removals.map((x) => x.name.replace(/:\w+$/, '')).filter((n) => !packages.includes(n));
  if (others.length > 0) throw new CliError('refused', `clean-kernels: purging the old kernels would also remove ${others.join(', ')}; nothing was changed (remove them with remove first if they should go)`);
}

export const cleanKernels = defineCommand({
  name: 'clean-kernels',
  category: 'system-cleanup',
  summary: "Remove old kernels with the guest's package manager, keeping the newest ones",
  description:
    `Keeps the N newest kernels (--keep, default ${DEFAULT_KEEP}: the current and the previous one, as apt autoremove does), the kernel the boot loader starts by default ` +
    "(GRUB_DEFAULT of /etc/default/grub, its saved_entry or grub.cfg entry, and Debian's /vmlinuz link) and, on a running guest, the running kernel (uname -r). " +
    'Debian and Ubuntu: apt-get purge of linux-image-<release> with its linux-modules-*/linux-headers-<release>, never a metapackage (linux-image-amd64); ' +
    'refused when apt would remove anything else. RHEL and Fedora: dnf (or yum) remove of kernel-core, kernel-modules* and kernel-devel of that release. ' +
    "Other package managers are not supported yet. --dry-run lists the packages and their installed sizes. Reports the bytes freed as the filesystems count them (the guest's df before and after).",
  examples: ['clean-kernels --dry-run', 'clean-kernels', 'clean-kernels --keep 1'],
  options: {
    keep: { type: 'string', valueName: 'N', description: `how many of the newest kernels stay (default ${DEFAULT_KEEP}, at least 1)` },
    ...CLEANUP_DRY_RUN,
  },
  needs: ['fs', 'exec'],
  mutates: true,
  journal: PACKAGE_JOURNAL,
  async run(ctx, args): Promise<CleanKernelsResult> {
    const keep = parseCount(args.optStr('keep'), DEFAULT_KEEP, '--keep', { min: 1, max: 1000 });
    const db = database(ctx);
    const kernels = await db.read(ctx);
    const defaultHints = await defaultKernelHints(ctx);
    if (defaultHints.length === 0) ctx.out.note('no boot loader default found (/etc/default/grub, grubenv, /vmlinuz): only the newest kernels are kept');
    const choice = chooseOldKernels(kernels, { keep, compare: db.compare, defaultHints, running: await runningKernel(ctx) });
    const packages = choice.remove.flatMap((k) => k.packages);
    const step = packages.length > 0 ? db.remove(packages) : null;
    const sizes = choice.remove.map((k) => k.size);
    const result: CleanKernelsResult = {
      dryRun: args.flag(DRY_RUN),
      kept: choice.kept,
      removed: choice.remove,
      listedBytes: sizes.includes(null) ? null : sizes.reduce((a: number, b) => a + b!, 0),
      commands: step ? [step.argv.join(' ')] : [],
      freedBytes: null,
      filesystems: [],
    };
    if (result.dryRun || !step) return result;
    if (db === DEB) await checkAptRemovesOnly(ctx, packages);
    const m = await measureFreed(ctx, ['/boot', '/usr/lib/modules'], () => runManagerStep(ctx, step, { timeoutMs: TIMEOUT_MS, detail: choice.remove.map((k) => k.release).join(' ') }));
    const left = new Set((await db.read(ctx)).map((k) => k.release));
    const still = choice.remove.filter((k) => left.has(k.release));
    if (still.length > 0) throw new CliError('failed', `${step.label} finished but ${still.map((k) => k.release).join(', ')} is still installed`);
    return { ...result, freedBytes: m.freedBytes, filesystems: m.filesystems };
  },
  render(r: CleanKernelsResult, out: Output) {
    for (const k of r.kept) out.line(`keeping ${esc(k.release)} (${k.reasons.join(', ')})`);
    if (r.removed.length === 0) return out.line('no old kernel to remove');
    out.table(['RELEASE', 'VERSION', 'SIZE', 'PACKAGES'], r.removed.map((k) => [esc(k.release), esc(k.version), k.size === null ? '?' : formatBytes(k.size), esc(k.packages.join(' '))]), { rightAlign: [2] });
    for (const c of r.commands) out.line(`${r.dryRun ? 'would run' : 'ran'} in the guest: ${esc(c)}`);
    const listed = `${r.removed.length} kernel${r.removed.length === 1 ? '' : 's'}${r.listedBytes === null ? '' : `, ${formatBytes(r.listedBytes)} installed`}`;
    out.line(r.dryRun ? `would remove ${listed}; nothing changed (--dry-run)` : `removed ${listed}; ${freedText(r.freedBytes, r.filesystems)}`);
  },
});
