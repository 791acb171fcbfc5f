// tune-set and tune-swappiness: one key into guestctl's drop-in (internal: not a command).

import type { CommandContext } from '../../../src/shell/command.js';
import { applyChanges, diffOf, planChange } from '../../../src/guest/file-changes.js';
import { lstatOrNull, statOrNull } from '../../../src/guest/stat-or-null.js';
import { setSysctlKey } from '../../../src/editors/sysctl-dropin.js';
import { laterAssignments } from '../../../src/parsers/sysctl-merge.js';
import { checkSysctlKey, checkSysctlValue, knownSysctlRange } from '../../../src/tuning/sysctl-values.js';
import { CliError, describeError } from '../../../src/util/errors.js';
import { DROPIN, loadSysctlConfig, readAfterDropin } from './sysctl-config.js';
import { applyLive, liveValue } from './live-sysctl.js';

export interface TuneSetResult {
  key: string;
  value: string;
  file: string;
  dryRun: boolean;
  diff: string;
  /** Files read after the drop-in that set the key too: their value is the one the boot keeps. */
  overriddenBy: { file: string; line: number; value: string }[];
  /** Live guest: the value before, and whether the running kernel now has the new one. */
  previousLive: string | null;
  appliedLive: boolean;
}

/** A dotted key from what the user typed, or a usage error. */
export function keyArgument(raw: string): string {
  const k = checkSysctlKey(raw);
  if ('error' in k) throw new CliError('usage', k.error);
  return k.key;
}

export async function setSysctl(ctx: CommandContext, rawKey: string, value: string, dryRun: boolean): Promise<TuneSetResult> {
  const key = keyArgument(rawKey);
  const bad = checkSysctlValue(key, value);
  if (bad) throw new CliError('usage', bad);
  value = value.trim();
  const live = ctx.guest.kind === 'live';
  const previousLive = live ? await liveValue(ctx.guest, key) : null;
  if (live && previousLive === null) ctx.out.note(`the running kernel has no ${key} (no /proc/sys file of that name): it is written for the next boot only`);
  const range = knownSysctlRange(key);
  if (range?.note && Number(value) > 100 && key === 'vm.swappiness') ctx.out.note(range.note);

  const config = await loadSysctlConfig(ctx.guest);
  const overriddenBy = laterAssignments(config.sources, (p) => readAfterDropin(p, config.reader), key);
  for (const o of overriddenBy) ctx.out.note(`${o.file}:${o.line} sets ${key} = ${o.value} and is read after ${DROPIN}, so the boot keeps that value`);

  const change = await planChange(ctx.guest, DROPIN, (text) => setSysctlKey(text, key, value), { mode: 0o644, uid: 0, gid: 0 });
  const result = { key, value, file: DROPIN, diff: diffOf([change]), overriddenBy, previousLive };
  if (dryRun) return { ...result, dryRun: true, appliedLive: false };

  if ((await statOrNull(ctx.guest.fs, '/etc/sysctl.d')) === null) {
    if ((await lstatOrNull(ctx.guest.fs, '/etc/sysctl.d'))?.type === 'symlink')
      throw new CliError('failed', `/etc/sysctl.d is a link to a missing directory (${await ctx.guest.fs.readlink('/etc/sysctl.d')}): create it first`);
    try {
      await ctx.guest.fs.mkdir('/etc/sysctl.d', { mode: 0o755 });
    } catch (err) {
      throw new CliError('failed', `creating /etc/sysctl.d: ${describeError(err)}`);
    }
  }
  const applyNow = live && previousLive !== null;
  await applyChanges(
    ctx.guest,
    [change],
    applyNow
      ? { run: () => applyLive(ctx.guest, key, value, ctx.signal), failure: (err, restored) => `applying ${key} to the running guest: ${describeError(err)}; ${restored}` }
      : undefined,
  );
  return { ...result, dryRun: false, appliedLive: applyNow };
}
