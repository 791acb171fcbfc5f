import { defineCommand } from '../../src/shell/command.js';
import type { CommandContext } from '../../src/shell/command.js';
import type { Output } from '../../src/shell/output.js';
import { DRY_RUN } from '../../src/shell/dry-run.js';
import { applyChanges } from '../../src/guest/file-changes.js';
import { systemctl } from '../../src/services/systemctl.js';
import { failIfError } from '../../src/live/guest-run.js';
import { loadAccounts } from '../../src/users/accounts.js';
import { accountBackend } from '../../src/users/backend.js';
import { planDelUser } from '../../src/users/plan-remove.js';
import { CliError } from '../../src/util/errors.js';
import { formatBytes } from '../../src/util/format.js';
import { escapeForTerminal as esc } from '../../src/shell/escape.js';
import { measureFreed, type FilesystemFree } from './_shared/free-space.js';
import { removeItems, totalSize, type PathItem } from './_shared/guest-paths.js';
import { CLEANUP_DRY_RUN, runChecked } from './_shared/options.js';
import { DEFAULT_OPERATIONS, OPERATIONS, type Operation, type OperationPlan } from './_shared/sysprep-operations.js';

interface OperationResult {
  name: string;
  removed: PathItem[];
  emptied: string[];
  edited: string[];
  commands: string[];
  users: string[];
}

type SysprepResult =
  | { action: 'list'; operations: { name: string; byDefault: boolean; removes: string }[] }
  | { action: 'sysprep'; dryRun: boolean; operations: OperationResult[]; listedBytes: number; freedBytes: number | null; filesystems: FilesystemFree[] };

function chosen(text: string | undefined): Operation[] {
  if (text === undefined) return OPERATIONS.filter((o) => o.byDefault);
  const names = text.split(',').map((s) => s.trim()).filter(Boolean);
  const unknown = names.filter((n) => !OPERATIONS.some((o) => o.name === n));
  if (unknown.length > 0) throw new CliError('usage', `sysprep --operations: unknown operation ${unknown.join(', ')} (see sysprep --list)`);
  return OPERATIONS.filter((o) => names.includes(o.name));
}

async function apply(ctx: CommandContext, p: OperationPlan): Promise<void> {
  for (const e of p.empty) await ctx.guest.fs.writeFile(e.path, '');
  if (p.edits.length > 0) await applyChanges(ctx.guest, p.edits);
  await removeItems(ctx.guest, p.remove);
  for (const c of p.commands) {
    if (c[0] === 'systemctl') failIfError(await systemctl(ctx.guest, c.slice(1), ctx.signal), c.join(' '));
    else await runChecked(ctx, c);
  }
  for (const name of p.users) {
    const op = planDelUser(await loadAccounts(ctx.guest), name, { removeHome: true });
    const done = await accountBackend(ctx.guest).deleteUser(op, ctx.signal);
    for (const n of done.notes) ctx.out.note(n);
  }
}

const resultOf = (name: string, p: OperationPlan): OperationResult => ({
  name,
  removed: p.remove,
  emptied: p.empty.map((e) => e.path),
  edited: p.edits.map((e) => e.path),
  commands: p.commands.map((c) => c.join(' ')),
  users: p.users,
});

export const sysprep = defineCommand({
  name: 'sysprep',
  category: 'system-cleanup',
  summary: 'Prepare an image for cloning, as virt-sysprep: machine-id, SSH host keys, logs, histories, leases...',
  description:
    `Runs the chosen operations (--operations a,b,...; default: ${DEFAULT_OPERATIONS.join(', ')}); cron-spool and user-account run only when named. ` +
    '--list shows every operation, what it removes and whether it is on by default. Symlinks are removed as links, never followed. ' +
    "Reports per operation what it removed or changed, and the bytes freed as the filesystems count them (the guest's df before and after). " +
    'Refused on a running guest (as virt-sysprep): its services hold the files it changes.',
  examples: ['sysprep --list', 'sysprep --dry-run', 'sysprep', 'sysprep --operations machine-id,ssh-hostkeys', 'sysprep --operations user-account'],
  options: {
    operations: { type: 'string', valueName: 'a,b,...', description: 'the operations to run (default: the default ones)' },
    list: { type: 'boolean', description: 'list the operations' },
    ...CLEANUP_DRY_RUN,
  },
  needs: ['fs', 'exec'],
  mutates: (args) => !args.flag('list'),
  journal: { trees: ['/etc'] },
  async run(ctx, args): Promise<SysprepResult> {
    if (args.flag('list')) return { action: 'list', operations: OPERATIONS.map(({ name, byDefault, removes }) => ({ name, byDefault, removes })) };
    const ops = chosen(args.optStr('operations'));
    if (ctx.guest.kind === 'live') throw new CliError('refused', 'sysprep: refusing a running guest (its services hold the files sysprep changes); shut it down and open its disk image');
    const plans: [Operation, OperationPlan][] = [];
    for (const o of ops) plans.push([o, await o.plan(ctx)]);
    const listedBytes = plans.reduce((n, [, p]) => n + totalSize(p.remove) + totalSize(p.empty), 0);
    const operations = plans.map(([o, p]) => resultOf(o.name, p));
    if (args.flag(DRY_RUN)) return { action: 'sysprep', dryRun: true, operations, listedBytes, freedBytes: null, filesystems: [] };
    const m = await measureFreed(ctx, ['/', '/var', '/home', '/tmp', '/var/log'], async () => {
      for (const [, p] of plans) await apply(ctx, p);
    });
    return { action: 'sysprep', dryRun: false, operations, listedBytes, freedBytes: m.freedBytes, filesystems: m.filesystems };
  },
  render(r: SysprepResult, out: Output) {
    if (r.action === 'list') {
      out.table(['OPERATION', 'DEFAULT', 'WHAT IT DOES'], r.operations.map((o) => [o.name, o.byDefault ? 'yes' : 'no', o.removes]));
      return;
    }
    const verb = r.dryRun ? 'would ' : '';
    for (const o of r.operations) {
      const parts = [
        o.removed.length ? `${verb}remove ${o.removed.length} (${formatBytes(totalSize(o.removed))})` : '',
        o.emptied.length ? `${verb}empty ${o.emptied.length}` : '',
        o.edited.length ? `${verb}edit ${o.edited.length}` : '',
        o.users.length ? `${verb}delete user${o.users.length > 1 ? 's' : ''} ${esc(o.users.join(', '))}` : '',
        o.commands.length ? `${verb}run ${esc(o.commands.join('; '))}` : '',
      ].filter(Boolean);
      out.line(`${o.name}: ${parts.length ? parts.join(', ') : 'nothing to do'}`);
      for (const p of o.removed) out.line(`  - ${esc(p.path)}`);
      for (const p of o.emptied) out.line(`  0 ${esc(p)}`);
      for (const p of o.edited) out.line(`  ~ ${esc(p)}`);
    }
    if (r.dryRun) return out.line(`would free about ${formatBytes(r.listedBytes)}; nothing changed (--dry-run)`);
    out.line(r.freedBytes === null ? 'bytes freed not measured' : `freed ${formatBytes(r.freedBytes)} measured on the filesystems`);
  },
});
