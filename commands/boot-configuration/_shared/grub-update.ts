import type { Guest } from '../../../src/guest/types.js';
import { readOptional } from '../../../src/guest/file-changes.js';
import { parseGrubCfg } from '../../../src/parsers/grub-cfg.js';
import { CliError, describeError } from '../../../src/util/errors.js';
import { findMkconfig, otherBootLoader } from '../../../src/inspect/grub-files.js';

// `grub update`: the guest's grub-mkconfig writes a new grub.cfg next to the current one, the
// guest's grub-script-check reads it, every linux line must name the root by UUID (never a
// /dev/loop device of this host), and only then it replaces grub.cfg. Offline, the jail gets
// the session's block devices for this one run (grub-probe needs the device of / and /boot,
// 10_linux writes root=UUID= only when /dev/disk/by-uuid/<uuid> exists).

export interface GrubUpdated {
  action: 'update';
  config: string;
  entries: number;
  /** Lines grub-mkconfig wrote on stderr besides its progress ("Generating...", "Found..."). */
  warnings: string[];
}

const PROGRESS = /^(Generating grub configuration file|Found |done$|Adding boot menu entry|Warning: os-prober will not be executed|Systems on them will not be added|Check GRUB_DISABLE_OS_PROBER documentation)/;
/** A root the jail made up: a host loop device, or the jail's name for one (see ExecOptions.blockDevices). */
const HOST_DEVICE_ROOT = /^root=\/dev\/(loop|guestctl-)/;

export async function updateGrub(guest: Guest, signal?: AbortSignal): Promise<GrubUpdated> {
  const tool = await findMkconfig(guest);
  if (!tool) {
    const other = await otherBootLoader(guest);
    throw new CliError('unsupported', other ? `this guest has no grub-mkconfig: it boots with ${other.loader} (${other.config})` : 'this guest has no grub-mkconfig (GRUB is not installed): nothing to update');
  }
  const live = guest.os.live;
  const tmp = `${tool.output}.guestctl-new`;
  const env = { GRUB_DISABLE_OS_PROBER: 'true' };
  try {
    const gen = await guest.exec([tool.mkconfig, '-o', tmp], { env, signal, ...(live ? {} : { blockDevices: true }) });
    if (gen.code !== 0) throw new CliError('failed', `${tool.mkconfig} failed (exit ${gen.code}): ${lastLine(gen.stderr || gen.stdout)}`);
    const check = await guest.exec([tool.scriptCheck, tmp], { signal });
    if (check.code !== 0) throw new CliError('failed', `${tool.scriptCheck} rejected the generated grub.cfg (exit ${check.code}): ${lastLine(check.stderr || check.stdout)}`);
    const text = await readOptional(guest, tmp);
    if (text === null) throw new CliError('failed', `${tool.mkconfig} wrote no ${tmp}`);
    const cfg = parseGrubCfg(text);
    const loopRoot = cfg.entries.find((e) => e.args.some((a) => HOST_DEVICE_ROOT.test(a)));
    if (loopRoot) throw new CliError('failed', `${tool.mkconfig} named a host device as the root ("${loopRoot.title}": ${loopRoot.args.find((a) => a.startsWith('root='))}): the guest would not boot; grub.cfg left unchanged`);
    await guest.fs.rename(tmp, tool.output);
    const warnings = gen.stderr.split('\n').map((l) => l.trim()).filter((l) => l !== '' && !PROGRESS.test(l));
    return { action: 'update', config: tool.output, entries: cfg.entries.length, warnings };
  } catch (err) {
    await removeTemp(guest, tmp, err);
    throw err;
  }
}

async function removeTemp(guest: Guest, tmp: string, cause: unknown): Promise<void> {
  try {
    if (await guest.fs.exists(tmp)) await guest.fs.remove(tmp);
  } catch (e) {
    throw new CliError('failed', `${describeError(cause)}; and could not remove ${tmp}: ${describeError(e)}`, { cause });
  }
}

function lastLine(text: string): string {
  return text.trim().split('\n').at(-1) ?? '';
}
