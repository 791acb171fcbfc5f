import type { CommandContext } from '../../../src/shell/command.js';
import type { Output } from '../../../src/shell/output.js';
import { applyChanges, changed, diffOf, type FileChange } from '../../../src/guest/file-changes.js';
import { guestStack, type GuestStack } from '../../../src/network/stacks.js';
import type { NetChange } from '../../../src/network/model.js';
import { withPending } from '../../../src/network/pending-guest.js';
import { udevNames } from '../../../src/network/guest-facts.js';
import { CliError, describeError } from '../../../src/util/errors.js';

// The one flow of every net-* command: detect the stack, plan the NetChanges with its editor (plus
// any resolver file), show the diff on --dry-run, else write atomically and validate with the
// stack's check, restoring the files when it fails.

export interface NetChangeResult {
  stack: string;
  evidence: string[];
  changed: string[];
  dryRun: boolean;
  diff: string;
  notes: string[];
}

/** Merge changes to the same path: the first `before`, the last `after`. */
function merge(all: FileChange[]): FileChange[] {
  const out = new Map<string, FileChange>();
  for (const c of all) {
    const prev = out.get(c.path);
    out.set(c.path, prev ? { ...prev, after: c.after } : c);
  }
  return [...out.values()];
}

/** The names the guest will have: configured ones, udev persistent-net names and, live, the agent's. */
async function knownNames(ctx: CommandContext, gs: GuestStack): Promise<string[]> {
  const names = new Set([...(await gs.backend.read(ctx.guest)).map((c) => c.name), ...(await udevNames(ctx.guest))]);
  if (ctx.guest.networkInterfaces) for (const i of await ctx.guest.networkInterfaces()) if (i.name !== 'lo') names.add(i.name);
  return [...names].sort();
}

export async function applyNetChanges(
  ctx: CommandContext,
  build: (gs: GuestStack) => Promise<{ changes: NetChange[]; extra?: FileChange[] }>,
  dryRun: boolean,
): Promise<NetChangeResult> {
  const guest = ctx.guest;
  const gs = await guestStack(guest);
  const { changes, extra = [] } = await build(gs);
  const notes: string[] = [];
  const known = await knownNames(ctx, gs);
  for (const iface of new Set(changes.map((c) => c.iface))) {
    if (known.length > 0 && !known.includes(iface)) notes.push(`warning: the guest has no interface named ${iface}; the names it will have: ${known.join(', ')}`);
  }
  const pending = new Map<string, string>();
  const planned: FileChange[] = [];
  for (const change of changes) {
    let files: FileChange[];
    try {
      files = await gs.backend.plan(withPending(guest, pending), change);
    } catch (err) {
      if (err instanceof CliError) throw err;
      throw new CliError('failed', `editing the ${gs.stack} configuration of ${change.iface}: ${describeError(err)}`);
    }
    for (const f of files) pending.set(f.path, f.after);
    planned.push(...files);
  }
  const fileChanges = merge([...planned, ...extra]);
  const result: NetChangeResult = { stack: gs.stack, evidence: gs.evidence, changed: fileChanges.filter(changed).map((c) => c.path), dryRun, diff: diffOf(fileChanges), notes };
  if (!dryRun && result.changed.length > 0) {
    await applyChanges(guest, fileChanges, {
      run: async () => {
        for (const c of changes) await gs.backend.validate(guest, c);
      },
    });
    if (guest.kind === 'live') notes.push(`takes effect at next boot (or when ${gs.backend.reload.replaceAll('IFACE', changes[0]?.iface ?? 'IFACE')} runs)`);
  }
  for (const n of notes) ctx.out.note(n);
  return result;
}

export function renderNetChange(r: NetChangeResult, out: Output): void {
  if (r.dryRun) {
    out.write(r.diff);
    out.line(r.changed.length === 0 ? 'nothing to change' : `dry run (${r.stack}): would change ${r.changed.join(', ')}`);
    return;
  }
  out.line(r.changed.length === 0 ? `nothing to change (${r.stack})` : `${r.stack}: changed ${r.changed.join(', ')}`);
}
