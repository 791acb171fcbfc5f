import type { Output } from '../../src/shell/output.js';
import { defineCommand } from '../../src/shell/command.js';
import { dryRunOption, DRY_RUN } from '../../src/shell/dry-run.js';
import { escapeForTerminal } from '../../src/shell/escape.js';
import { undoRecord, type UndoneRecord } from '../../src/change-journal/undo.js';
import { CliError } from '../../src/util/errors.js';
import { parseCount } from '../../src/util/option-values.js';

export const undo = defineCommand({
  name: 'undo',
  category: 'templates',
  summary: "Revert this session's last changes (the last command's by default), newest first",
  description:
    'Walks the change journal back (see `changes`): every path a command touched gets its before-image again, byte for byte with ' +
    'its owner, mode and xattrs, and a path it created is removed. Packages a command installed are purged with the guest\'s ' +
    'manager and packages it removed are installed again at the version they had; an upgrade is not reverted. The trees a ' +
    "command's programs were snapshotted in come back whole (what the purge did there besides is undone too); what a package " +
    'command created elsewhere is removed, and what it modified or removed elsewhere (no content kept) is named. What cannot be ' +
    'undone is listed with the reason and the exit status is 1. Undone commands stay in `changes`, marked undone, and are left ' +
    'out of `template-save`. undo itself is not journaled.',
  examples: ['undo', 'undo 3', 'undo --all', 'undo --all --dry-run'],
  positionals: [{ name: 'N', description: 'how many commands to revert (default 1)', optional: true, complete: 'none' }],
  options: {
    all: { type: 'boolean', description: "revert every change of this session" },
    ...dryRunOption('list what would be reverted and change nothing'),
  },
  mutates: true,
  journal: false,
  async run(ctx, args) {
    const pending = (ctx.session.journal?.records() ?? []).filter((r) => !r.undone);
    if (args.flag('all') && args.optStr('N') !== undefined) throw new CliError('usage', 'give N or --all, not both');
    const n = args.flag('all') ? pending.length : parseCount(args.optStr('N'), 1, 'N');
    if (pending.length === 0) return { undone: [], dryRun: args.flag(DRY_RUN) };
    if (n > pending.length) throw new CliError('usage', `only ${pending.length} change${pending.length === 1 ? '' : 's'} to undo in this session`);
    const undone: UndoneRecord[] = [];
    for (const record of pending.slice(-n).reverse()) undone.push(await undoRecord(ctx, record, args.flag(DRY_RUN)));
    if (undone.some((u) => u.notUndone.length > 0)) ctx.setExitCode(1);
    return { undone, dryRun: args.flag(DRY_RUN) };
  },
  render(r: { undone: UndoneRecord[]; dryRun: boolean }, out: Output) {
    if (r.undone.length === 0) return out.line('nothing to undo in this session');
    for (const u of r.undone) {
      out.line(`${r.dryRun ? 'would undo' : 'undid'} ${u.seq}. ${escapeForTerminal(u.command)}`);
      for (const p of u.packages?.purged ?? []) out.line(`   purged      ${escapeForTerminal(p)}`);
      for (const p of u.packages?.reinstalled ?? []) out.line(`   reinstalled ${escapeForTerminal(p)}`);
      for (const p of u.restored) out.line(`   restored    ${escapeForTerminal(p)}`);
      for (const p of u.removed) out.line(`   removed     ${escapeForTerminal(p)}`);
      for (const x of u.notUndone) out.line(`   NOT UNDONE  ${escapeForTerminal(x.what)}: ${escapeForTerminal(x.reason)}`);
    }
  },
});
