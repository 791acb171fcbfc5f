import type { CommandContext } from '../../../src/shell/command.js';
import { applyChanges, diffOf, readOptional, type FileChange } from '../../../src/guest/file-changes.js';
import { iptablesPort } from '../../../src/firewall/address-family.js';
import { sameRule, type FirewallChange, type FirewallRule } from '../../../src/firewall/model.js';
import { editUfw, readUfw, UFW_USER6_RULES, UFW_USER_RULES } from '../../../src/firewall/ufw.js';
import { validateUfwFiles } from '../../../src/firewall/ufw-validate.js';
import { CliError } from '../../../src/util/errors.js';
import type { ChangeOutcome, FirewallOps } from './firewall-ops.js';
import { runGuestTool, toolComplaint } from './guest-tool.js';
import { resolveGuestService } from './service-rule.js';

// ufw: on an image, its two user rules files are edited as text and checked by the guest's own
// `ufw show added` and `iptables-restore --test` (ufw-validate.ts). On a running guest the
// guest's own `ufw allow` / `ufw delete allow` does both: it rewrites the files and, when ufw is
// active, loads the rule; an inactive ufw only writes the files.

async function readFiles(ctx: CommandContext): Promise<{ v4: string; v6: string }> {
  const v4 = await readOptional(ctx.guest, UFW_USER_RULES);
  const v6 = await readOptional(ctx.guest, UFW_USER6_RULES);
  if (v4 === null || v6 === null) throw new CliError('not-found', `ufw: ${v4 === null ? UFW_USER_RULES : UFW_USER6_RULES} is missing in the guest (is the ufw package installed?)`);
  return { v4, v6 };
}

/** The guest's ufw command for the change, e.g. `ufw allow from 10.0.0.0/8 to any port 5432 proto tcp`. */
export function ufwCommand(change: FirewallChange, rule: FirewallRule): string[] {
  if (rule.port === undefined) throw new CliError('usage', 'ufw: a rule needs a port');
  const port = iptablesPort(rule.port);
  const spec = rule.source
    ? ['from', rule.source, 'to', 'any', 'port', port, ...(rule.proto ? ['proto', rule.proto] : [])]
    : [rule.proto ? `${port}/${rule.proto}` : port];
  return ['ufw', ...(change.kind === 'remove' ? ['delete'] : []), 'allow', ...spec];
}

/** Live: the guest's ufw makes the change; the files are read back to see that it did. */
async function changeLive(ctx: CommandContext, change: FirewallChange, rule: FirewallRule, files: string[]): Promise<ChangeOutcome> {
  const argv = ufwCommand(change, rule);
  const status = await runGuestTool(ctx, ['ufw', 'status']);
  if (status.code !== 0) throw new CliError('failed', `ufw status failed in the guest: ${toolComplaint(status)}`);
  const r = await runGuestTool(ctx, argv);
  if (r.code !== 0) throw new CliError('failed', `${argv.join(' ')} failed in the guest: ${toolComplaint(r)}`);
  const after = await readFiles(ctx);
  if (readUfw(after.v4, after.v6).some((x) => sameRule(x, rule)) !== (change.kind === 'add')) {
    throw new CliError('failed', `${argv.join(' ')} exited 0 but ${UFW_USER_RULES} does not show the change`);
  }
  const active = /^Status: active/m.test(status.stdout);
  return { rules: [rule], changed: true, files, live: active ? { applied: true } : { applied: false, detail: 'ufw is inactive', later: 'when ufw is enabled' } };
}

export const ufwBackend: FirewallOps = {
  zones: false,
  async list(ctx) {
    const f = await readFiles(ctx);
    return readUfw(f.v4, f.v6);
  },
  async change(ctx, change: FirewallChange, dryRun): Promise<ChangeOutcome> {
    const rule = await resolveGuestService(ctx, change.rule);
    const before = await readFiles(ctx);
    const after = editUfw(before.v4, before.v6, { kind: change.kind, rule });
    const edits: FileChange[] = [
      { path: UFW_USER_RULES, before: before.v4, after: after.userRules },
      { path: UFW_USER6_RULES, before: before.v6, after: after.user6Rules },
    ];
    const changed = edits.some((e) => e.before !== e.after);
    const live = ctx.guest.kind === 'live';
    if (dryRun) return { rules: [rule], changed, diff: diffOf(edits), ...(live && changed ? { commands: [ufwCommand(change, rule)] } : {}), files: [] };
    if (!changed) return { rules: [rule], changed, files: [] };
    if (live) return changeLive(ctx, change, rule, edits.filter((e) => e.before !== e.after).map((e) => e.path));
    const files = await applyChanges(ctx.guest, edits, {
      run: async () => void (await validateUfwFiles(ctx.guest)),
      failure: (err, restored) => `${(err as Error).message}; ${restored}`,
    });
    return { rules: [rule], changed, files };
  },
};
