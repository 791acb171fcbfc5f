import type { Output } from '../../src/shell/output.js';
import { defineCommand, type CommandContext } from '../../src/shell/command.js';
import { DRY_RUN, dryRunOption } from '../../src/shell/dry-run.js';
import { parseSelinuxContext } from '../../src/parsers/selinux-context.js';
import type { FileType } from '../../src/guest/types.js';
import { CliError, describeError } from '../../src/util/errors.js';
import { escapeForTerminal } from '../../src/shell/escape.js';
import { guestHasProgram, guestPolicy, type GuestPolicy } from './_shared/guest-policy.js';
import { readLabel, writeLabel } from './_shared/label.js';
import { contextRejection, runSetfiles } from './_shared/setfiles.js';

interface ContextResult {
  action: 'show' | 'set' | 'restore';
  path: string;
  fileType: FileType;
  /** The label now (after a change; with --dry-run, the label it would get). null: none. */
  context: string | null;
  previous: string | null;
  changed: boolean;
  dryRun: boolean;
}

async function requirePolicy(ctx: CommandContext, why: string): Promise<GuestPolicy> {
  const policy = await guestPolicy(ctx.guest);
  if (!policy) throw new CliError('unsupported', `${why}: the guest has no SELinux policy (no /etc/selinux/config or its policy directory)`);
  return policy;
}

async function requireSetfiles(ctx: CommandContext, why: string): Promise<void> {
  if (!ctx.guest.capabilities.has('exec')) throw new CliError('unsupported', `${why}: needs to run the guest's setfiles, and this guest cannot run programs`);
  if (!(await guestHasProgram(ctx.guest, 'setfiles'))) throw new CliError('unsupported', `${why}: the guest has no setfiles (package policycoreutils)`);
}

async function setContext(ctx: CommandContext, path: string, given: string, previous: string | null, dryRun: boolean): Promise<Pick<ContextResult, 'context' | 'changed'>> {
  if (!parseSelinuxContext(given)) throw new CliError('usage', `not an SELinux context: '${given}' (expected user:role:type[:level], e.g. system_u:object_r:etc_t:s0)`);
  const policy = await guestPolicy(ctx.guest);
  const canCheck = policy?.binary && ctx.guest.capabilities.has('exec') && (await guestHasProgram(ctx.guest, 'setfiles'));
  if (canCheck) {
    const rejected = await contextRejection(ctx.guest, policy.binary!, given, ctx.signal);
    if (rejected) throw new CliError('usage', `${given} is not valid in the guest's SELinux policy (${policy.type}): ${rejected}`);
  } else {
    ctx.out.note(`${given} is not checked against a policy: the guest has ${policy ? 'no built policy or no setfiles to check with' : 'no SELinux policy'}`);
  }
  if (previous === given) return { context: given, changed: false };
  if (!dryRun) {
    await writeLabel(ctx.guest, path, given);
    const now = await readLabel(ctx.guest, path);
    if (now !== given) throw new CliError('failed', `setting the SELinux label of ${path}: it reads back as ${now ?? 'no label'}, not ${given}`);
  }
  return { context: given, changed: true };
}

async function restoreContext(ctx: CommandContext, path: string, previous: string | null, dryRun: boolean): Promise<Pick<ContextResult, 'context' | 'changed'>> {
  const why = `restoring the SELinux label of ${path}`;
  const policy = await requirePolicy(ctx, why);
  await requireSetfiles(ctx, why);
  const predicted = await runSetfiles(ctx.guest, policy, path, true, ctx.signal);
  if (predicted.noDefault.length > 0) {
    ctx.out.note(`the guest's file_contexts has no label for ${path}: left as it is`);
    return { context: previous, changed: false };
  }
  const relabel = predicted.relabels.find((r) => r.path === path);
  if (!relabel) return { context: previous, changed: false };
  if (!dryRun) {
    const done = await runSetfiles(ctx.guest, policy, path, false, ctx.signal);
    const now = await readLabel(ctx.guest, path);
    if (!done.relabels.some((r) => r.path === path) || now !== relabel.to) {
      throw new CliError('failed', `${why}: setfiles said it would set ${relabel.to}, the label now reads ${now ?? 'no label'}`);
    }
  }
  return { context: relabel.to, changed: true };
}

export const selinuxContext = defineCommand({
  name: 'selinux-context',
  category: 'selinux-advanced',
  summary: "Show, set or restore a file's SELinux label (the security.selinux extended attribute)",
  description:
    'Reads the label of the file itself: a symlink shows its own label and is never followed. --set writes the label ' +
    "directly (works offline on a host without SELinux), after checking it with the guest's policy (setfiles -c) when the " +
    "guest has a built policy and setfiles. --restore gives the file the label the guest policy's file_contexts names, with " +
    "the guest's own setfiles in the jail (-F: user, role and level too); --dry-run shows what setfiles -n predicts.",
  examples: [
    'selinux-context /etc/shadow',
    'selinux-context /var/www/html/index.html --set system_u:object_r:httpd_sys_content_t:s0',
    'selinux-context /etc/shadow --restore',
    'selinux-context /etc/passwd --restore --dry-run',
  ],
  positionals: [{ name: 'PATH', complete: 'guest-path', description: 'a guest file, directory or symlink' }],
  options: {
    set: { type: 'string', valueName: 'CONTEXT', description: 'give it this label (user:role:type[:level])' },
    restore: { type: 'boolean', description: "give it the label of the guest policy's file_contexts" },
    ...dryRunOption(),
  },
  needs: ['fs'],
  mutates: (args) => args.optStr('set') !== undefined || args.flag('restore'),
  journal: { trees: (args, guestPath) => [guestPath(args.str('PATH'))] },
  async run(ctx, args): Promise<ContextResult> {
    const given = args.optStr('set');
    const restore = args.flag('restore');
    if (given !== undefined && restore) throw new CliError('usage', 'selinux-context: --set and --restore cannot be used together');
    const dryRun = args.flag(DRY_RUN);
    const typed = ctx.guestPath(args.str('PATH'));
    const st = await ctx.guest.fs.lstat(typed).catch((err: unknown) => {
      throw new CliError('failed', `selinux-context: ${describeError(err)}`, { cause: err });
    });
    const path = st.path;
    const previous = await readLabel(ctx.guest, path);
    const base = { path, fileType: st.type, previous, dryRun };
    if (given !== undefined) return { action: 'set', ...base, ...(await setContext(ctx, path, given, previous, dryRun)) };
    if (restore) return { action: 'restore', ...base, ...(await restoreContext(ctx, path, previous, dryRun)) };
    return { action: 'show', ...base, context: previous, changed: false, dryRun: false };
  },
  render(r: ContextResult, out: Output) {
    const path = escapeForTerminal(r.path);
    const context = r.context === null ? 'no SELinux label' : escapeForTerminal(r.context);
    if (r.action === 'show') {
      out.line(`${path}: ${context}`);
      return;
    }
    if (!r.changed) {
      out.line(`${path}: ${context} (unchanged)`);
      return;
    }
    out.line(`${r.dryRun ? 'would relabel' : 'relabeled'} ${path}: ${r.previous === null ? 'no label' : escapeForTerminal(r.previous)} -> ${context}`);
  },
});
