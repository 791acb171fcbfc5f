import type { Output } from '../../../src/shell/output.js';
import { escapeForTerminal, escapeLinesForTerminal } from '../../../src/shell/escape.js';
import type { GrubShown } from './grub-show.js';
import type { GrubSet } from './grub-set.js';
import type { GrubUpdated } from './grub-update.js';

export type GrubResult = GrubShown | GrubSet | GrubUpdated;

export function renderGrub(r: GrubResult, out: Output): void {
  if (r.action === 'set') {
    if (r.dryRun) out.write(escapeLinesForTerminal(r.diff));
    if (r.grubby) out.line(`${r.dryRun ? 'would run' : 'ran'}: ${escapeForTerminal(r.grubby.join(' '))}`);
    out.line(!r.changed ? `${r.file}: nothing to change` : r.dryRun ? `dry run: would change ${r.file}` : `changed ${r.file}`);
    return;
  }
  if (r.action === 'update') {
    out.line(`generated ${r.config} (${r.entries} menu entries), checked with grub-script-check`);
    return;
  }
  const esc = escapeForTerminal;
  if (r.note) out.line(esc(r.note));
  if (r.loader !== 'grub' && r.loader !== 'grub-bls') {
    if (r.kernels.length > 0) out.line(`kernels: ${esc(r.kernels.map((k) => k.path).join(', '))}`);
    return;
  }
  out.line(`boot loader: ${r.loader === 'grub-bls' ? 'GRUB with BLS entries (/boot/loader/entries)' : 'GRUB'}${r.config ? ` (${r.config})` : ''}`);
  for (const [k, v] of Object.entries(r.settings)) out.line(`${k}=${esc(v)}`);
  out.line(`GRUB_CMDLINE_LINUX=${esc(r.cmdline ?? '')}`);
  out.line(`GRUB_CMDLINE_LINUX_DEFAULT=${esc(r.cmdlineDefault ?? '')}`);
  out.line(`default entry: ${esc(r.defaultEntry ?? 'unknown')}`);
  if (r.entries.length > 0) {
    out.line();
    out.table(
      ['#', 'ENTRY', 'KERNEL', 'ARGUMENTS'],
      r.entries.map((e) => [e.path, [...e.submenu, e.title].join(' > '), e.linux ?? '', e.args.join(' ')]),
    );
  }
  if (r.kernels.length > 0) {
    out.line();
    out.table(['KERNEL', 'DEFAULT'], r.kernels.map((k) => [k.path, k.default ? 'yes' : '']));
  }
}
