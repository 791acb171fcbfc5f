import type { Output } from '../../src/shell/output.js';
import { defineCommand } from '../../src/shell/command.js';
import { DRY_RUN, dryRunOption } from '../../src/shell/dry-run.js';
import { applyChanges, diffOf, readOptional } from '../../src/guest/file-changes.js';
import { unsetSysctlKey } from '../../src/editors/sysctl-dropin.js';
import { parseSysctlFile } from '../../src/parsers/sysctl.js';
import { CliError, describeError } from '../../src/util/errors.js';
import { DROPIN, loadSysctlConfig } from './_shared/sysctl-config.js';
import { keyArgument } from './_shared/set-key.js';

interface TuneUnsetResult {
  key: string;
  file: string;
  dryRun: boolean;
  diff: string;
  /** The drop-in had nothing else and is (or would be) removed. */
  fileRemoved: boolean;
  /** What the boot sets the key to once the drop-in no longer does (null: the kernel's default). */
  bootValue: { value: string | null; file: string; line: number } | null;
}

export const tuneUnset = defineCommand({
  name: 'tune-unset',
  aliases: ['sysctl-unset'],
  category: 'performance-tuning',
  summary: "Remove a kernel setting from guestctl's drop-in, so the guest's other files (or the kernel default) decide it again",
  description:
    'Removes KEY from /etc/sysctl.d/99-zz-guestctl.conf; the file is removed when no setting is left in it. Settings in other files are never edited. ' +
    'A running guest keeps the current value until its next boot.',
  examples: ['tune-unset vm.swappiness', 'tune-unset net.ipv4.ip_forward --dry-run'],
  positionals: [{ name: 'KEY', complete: 'none', description: 'the key' }],
  options: dryRunOption(),
  needs: ['fs'],
  mutates: true,
  journal: { trees: [] },
  async run(ctx, args): Promise<TuneUnsetResult> {
    const key = keyArgument(args.str('KEY'));
    const before = await readOptional(ctx.guest, DROPIN);
    if (before === null || !parseSysctlFile(before).some((l) => l.key === key)) {
      const other = (await loadSysctlConfig(ctx.guest)).settings.find((s) => s.key === key);
      const where = other ? `; ${other.file}:${other.line} sets it, and tune-unset edits only its own file` : '';
      throw new CliError('failed', `${key} is not set in ${DROPIN}${where}`);
    }
    const after = unsetSysctlKey(before, key);
    const change = { path: DROPIN, before, after: after ?? '' };
    const diff = diffOf([change]);
    const dryRun = args.flag(DRY_RUN);
    if (!dryRun) {
      if (after === null) {
        try {
          await ctx.guest.fs.remove(DROPIN);
        } catch (err) {
          throw new CliError('failed', `removing ${DROPIN}: ${describeError(err)}`);
        }
      } else {
        await applyChanges(ctx.guest, [change]);
      }
    }
    const config = await loadSysctlConfig(ctx.guest);
    const found = config.settings.find((s) => s.key === key);
    // A dry run still sees the drop-in's line: the value it hides is the one the boot falls back to.
    const next = found?.file === DROPIN ? found.overrides.at(-1) : found;
    const bootValue = next ? { value: next.value, file: next.file, line: next.line } : null;
    if (!dryRun && ctx.guest.kind === 'live') ctx.out.note(`the running kernel keeps its current ${key} until the next boot`);
    return { key, file: DROPIN, dryRun, diff, fileRemoved: after === null, bootValue };
  },
  render(r: TuneUnsetResult, out: Output) {
    if (r.dryRun) out.write(r.diff);
    const verb = r.dryRun ? 'would remove' : 'removed';
    out.line(`${verb} ${r.key} from ${r.file}${r.fileRemoved ? ` (${r.dryRun ? 'would remove' : 'removed'} the file: nothing else in it)` : ''}`);
    out.line(r.bootValue ? `  at boot: ${r.key} = ${r.bootValue.value ?? '(kept out of globs)'} from ${r.bootValue.file}:${r.bootValue.line}` : '  at boot: the kernel default');
  },
});
