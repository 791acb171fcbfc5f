import type { Guest } from '../../../src/guest/types.js';
import { applyChanges, changed, diffOf, readOptional, type FileChange } from '../../../src/guest/file-changes.js';
import { getShellVar } from '../../../src/editors/shell-vars.js';
import { editCmdline, GRUB_DEFAULT_FILE, setGrubVar } from '../../../src/editors/grub-default.js';
import { CliError, describeError } from '../../../src/util/errors.js';
import { statOrNull } from '../../../src/guest/stat-or-null.js';

// `grub set`: one GRUB_* assignment of /etc/default/grub, or arguments added to / removed from
// GRUB_CMDLINE_LINUX. grub.cfg is not regenerated (as virt-customize): `grub update` does it.
// On a BLS guest (Fedora/RHEL) the entries carry their own options, so the guest's grubby
// updates them too, after the file is written; if grubby fails the file is restored.

export interface GrubSetRequest {
  key?: string;
  value?: string;
  add: string[];
  remove: string[];
  dryRun: boolean;
}

export interface GrubSet {
  action: 'set';
  file: string;
  changed: boolean;
  dryRun: boolean;
  diff: string;
  /** The grubby command run (or that would run) on a BLS guest. */
  grubby: string[] | null;
  notes: string[];
}

export async function setGrub(guest: Guest, req: GrubSetRequest): Promise<GrubSet> {
  const before = await readOptional(guest, GRUB_DEFAULT_FILE);
  if (before === null) throw new CliError('unsupported', `this guest has no ${GRUB_DEFAULT_FILE}: GRUB is not installed (see \`grub show\`)`);
  let after = before;
  try {
    if (req.key !== undefined) after = setGrubVar(after, req.key, req.value ?? '');
    if (req.add.length > 0 || req.remove.length > 0) after = editCmdline(after, { add: req.add, remove: req.remove });
  } catch (err) {
    throw new CliError('usage', `grub set: ${describeError(err)}`);
  }
  const change: FileChange = { path: GRUB_DEFAULT_FILE, before, after };
  const bls = getShellVar(after, 'GRUB_ENABLE_BLSCFG') === 'true' && (await statOrNull(guest.fs, '/boot/loader/entries'))?.type === 'directory';
  const grubby = bls && (req.add.length > 0 || req.remove.length > 0) && changed(change) ? grubbyArgv(req) : null;
  const notes: string[] = [];
  if (changed(change)) notes.push(bls ? 'the BLS entries carry the kernel arguments (grubby updated them); other settings take effect after `grub update`' : 'run `grub update` to regenerate grub.cfg');
  const result: GrubSet = { action: 'set', file: GRUB_DEFAULT_FILE, changed: changed(change), dryRun: req.dryRun, diff: diffOf([change]), grubby, notes };
  if (req.dryRun || !changed(change)) return result;
  await applyChanges(guest, [change], grubby ? { run: () => runGrubby(guest, grubby) } : undefined);
  return result;
}

function grubbyArgv(req: GrubSetRequest): string[] {
  const argv = ['grubby', '--update-kernel=ALL'];
  if (req.add.length > 0) argv.push(`--args=${req.add.join(' ')}`);
  if (req.remove.length > 0) argv.push(`--remove-args=${req.remove.join(' ')}`);
  return argv;
}

async function runGrubby(guest: Guest, argv: string[]): Promise<void> {
  const r = await guest.exec(argv);
  if (r.code !== 0) throw new Error(`grubby failed (exit ${r.code}): ${(r.stderr || r.stdout).trim().split('\n')[0] ?? ''}`);
}
