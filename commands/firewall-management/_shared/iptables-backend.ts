import type { CommandContext } from '../../../src/shell/command.js';
import { applyChanges, diffOf, readOptional, type FileChange } from '../../../src/guest/file-changes.js';
import { editIptables, IPTABLES_RULES_V4, IPTABLES_RULES_V6, readIptables } from '../../../src/firewall/iptables.js';
import { validateIptablesFiles } from '../../../src/firewall/iptables-validate.js';
import type { FirewallChange } from '../../../src/firewall/model.js';
import type { ChangeOutcome, FirewallOps } from './firewall-ops.js';
import { runGuestTool, toolComplaint } from './guest-tool.js';
import { resolveGuestService } from './service-rule.js';

// iptables-persistent: /etc/iptables/rules.v4 and rules.v6 edited as text, checked by the guest's
// own `iptables-restore --test` / `ip6tables-restore --test` (iptables-validate.ts), and on a
// running guest loaded with `iptables-restore FILE`, which is what netfilter-persistent does at boot.

const RESTORE: Record<string, string> = { [IPTABLES_RULES_V4]: 'iptables-restore', [IPTABLES_RULES_V6]: 'ip6tables-restore' };

/** Live: load the written files now; the first failure is the reason it did not take effect. */
async function loadNow(ctx: CommandContext, files: string[]): Promise<{ applied: boolean; detail?: string }> {
  for (const file of files) {
    const argv = [RESTORE[file]!, file];
    const r = await runGuestTool(ctx, argv);
    if (r.code !== 0) return { applied: false, detail: `${argv.join(' ')}: ${toolComplaint(r)}` };
  }
  return { applied: true };
}

export const iptablesBackend: FirewallOps = {
  zones: false,
  async list(ctx) {
    return readIptables((await readOptional(ctx.guest, IPTABLES_RULES_V4)) ?? '', (await readOptional(ctx.guest, IPTABLES_RULES_V6)) ?? '');
  },
  async change(ctx, change: FirewallChange, dryRun): Promise<ChangeOutcome> {
    const rule = await resolveGuestService(ctx, change.rule);
    const v4 = await readOptional(ctx.guest, IPTABLES_RULES_V4);
    const v6 = await readOptional(ctx.guest, IPTABLES_RULES_V6);
    const after = editIptables(v4 ?? '', v6 ?? '', { kind: change.kind, rule });
    // A file iptables-persistent has not written yet is created as netfilter-persistent saves it (0640).
    const edits: FileChange[] = [
      { path: IPTABLES_RULES_V4, before: v4, after: after.v4, mode: 0o640 },
      { path: IPTABLES_RULES_V6, before: v6, after: after.v6, mode: 0o640 },
    ].filter((e) => (e.before ?? '') !== e.after);
    const changed = edits.length > 0;
    if (dryRun || !changed) return { rules: [rule], changed, diff: diffOf(edits), files: [] };
    const files = await applyChanges(ctx.guest, edits, {
      // Only the files written: the other one is as it was, and may not exist.
      run: () => validateIptablesFiles(ctx.guest, Object.fromEntries(edits.map((e) => [e.path === IPTABLES_RULES_V4 ? 'v4' : 'v6', e.path]))),
      failure: (err, restored) => `${(err as Error).message}; ${restored}`,
    });
    if (ctx.guest.kind !== 'live') return { rules: [rule], changed, files };
    return { rules: [rule], changed, files, live: await loadNow(ctx, files) };
  },
};
