import type { CommandContext, Invoked } from '../../src/shell/command.js';
import type { Output } from '../../src/shell/output.js';
import type { ExecResult } from '../../src/guest/types.js';
import { escapeForTerminal, escapeLinesForTerminal } from '../../src/shell/escape.js';
import { CliError } from '../../src/util/errors.js';

// The wizards' one runner. A wizard builds a Plan: ordered steps, each a real guestctl command
// line (argv) as the user would type it, and checks, each a guest program the software ships
// (`nginx -t`, `systemctl is-enabled`). runPlan shows the plan, asks on a terminal (not with
// --yes, never in a script), runs each step through ctx.invoke (so every step is journaled by
// the executor as its own command), stops at the first failure and undoes what the wizard's
// steps changed through the change journal (`undo N`), then runs the checks. A wizard is
// `journal: false`: its steps are journaled one by one, the wizard itself would count twice.

export interface WizardStep {
  /** What the step does, for the plan and the error line ("install nginx"). */
  title: string;
  /** The guestctl command line (argv[0] is the command name). */
  argv: string[];
  /**
   * --dry-run: this step depends on an earlier one that a dry run does not make (a config file for
   * a package not yet installed); when its own dry run fails, the plan says so instead of failing.
   */
  afterEarlier?: string;
  /**
   * The command has no --dry-run (e.g. `run`): a dry run does not invoke it and shows this note
   * (what it would do) instead.
   */
  noDryRun?: string;
}

export interface WizardCheck {
  /** What is checked, for the result and the error line ("nginx -t"). */
  title: string;
  /** The guest's own program, run with ctx.guest.exec (in the jail offline, through the agent live). */
  argv: string[];
  /** Extra condition on its output: an error message, or undefined when it is fine (default: exit status 0). */
  expect?: (r: ExecResult) => string | undefined;
}

export interface Plan {
  /** The wizard's name (setup-webserver). */
  wizard: string;
  /** The choices made (flags, answers, defaults), for the result. */
  choices: Record<string, string | boolean | string[]>;
  steps: WizardStep[];
  checks: WizardCheck[];
  /** Things the user should know about the plan (a skipped firewall, a default taken). */
  notes: string[];
}

export type StepStatus = 'done' | 'failed' | 'not-run' | 'dry-run' | 'not-previewed';

export interface StepResult {
  title: string;
  /** The command line, shell-quoted. */
  command: string;
  status: StepStatus;
  /** The command's own result (its JSON), when it ran. */
  data?: unknown;
  error?: string;
  note?: string;
}

export interface CheckResult {
  title: string;
  command: string;
  ok: boolean;
  output: string;
}

export interface WizardResult {
  wizard: string;
  dryRun: boolean;
  choices: Plan['choices'];
  notes: string[];
  steps: StepResult[];
  checks: CheckResult[];
}

export interface RunPlanOptions {
  yes: boolean;
  dryRun: boolean;
}

/** A command line as the user would type it. */
export function commandLine(argv: readonly string[]): string {
  return argv.map(shellWord).join(' ');
}

/** A word as a POSIX shell (and guestctl's line parser) reads it back: bare when it is plain, else in single quotes. */
export function shellWord(word: string): string {
  if (/^[A-Za-z0-9_@%+=:,./-]+$/.test(word)) return word;
  return `'${word.replace(/'/g, `'\\''`)}'`;
}

/**
 * Text for `write PATH CONTENT`: write interprets \n, \t, \r and \\ in CONTENT, so the text is
 * escaped to the form that gives it back byte for byte (and the plan shows one line per step).
 */
export function writeContentArg(text: string): string {
  return text.replace(/[\\\n\t\r]/g, (c) => ({ '\\': '\\\\', '\n': '\\n', '\t': '\\t', '\r': '\\r' })[c]!);
}

/** Plan lines: numbered steps, shell-quoted, then the checks. */
export function planLines(plan: Plan): string[] {
  const lines = [`${plan.wizard} will run:`];
  plan.steps.forEach((s, i) => lines.push(`  ${i + 1}. ${commandLine(s.argv)}    # ${s.title}`));
  if (plan.checks.length > 0) lines.push(`then check: ${plan.checks.map((c) => c.title).join(', ')}`);
  for (const n of plan.notes) lines.push(`note: ${n}`);
  return lines;
}

/** Shows the plan, confirms it on a terminal unless --yes, runs it (or its dry run), checks it. */
export async function runPlan(ctx: CommandContext, plan: Plan, opts: RunPlanOptions): Promise<WizardResult> {
  const result: WizardResult = { wizard: plan.wizard, dryRun: opts.dryRun, choices: plan.choices, notes: [...plan.notes], steps: [], checks: [] };
  if (opts.dryRun) return dryRun(ctx, plan, result);
  if (ctx.prompt.interactive && !opts.yes) {
    for (const l of planLines(plan)) ctx.out.stderr(escapeForTerminal(l) + '\n');
    if (!(await ctx.prompt.confirm(`Run these ${plan.steps.length} steps?`, true))) throw new CliError('cancelled', `${plan.wizard} cancelled: nothing was changed`);
  }
  const journalBefore = journalLength(ctx);
  result.steps = plan.steps.map((s) => ({ title: s.title, command: commandLine(s.argv), status: 'not-run' as StepStatus }));
  for (const [i, step] of plan.steps.entries()) {
    const label = `${plan.wizard}: step ${i + 1}/${plan.steps.length}: ${step.title}`;
    const progress = ctx.out.progress(label);
    let r: Invoked;
    try {
      r = await ctx.invoke(step.argv, { quiet: true });
    } finally {
      progress.end();
    }
    const sr = result.steps[i]!;
    if (r.code !== 0) {
      sr.status = 'failed';
      sr.error = r.error ?? `exit status ${r.code}`;
      await undoAndFail(ctx, plan, result, journalBefore, `step ${i + 1} (${stepName(step)}) failed: ${sr.error}`);
    }
    sr.status = 'done';
    sr.data = r.data;
  }
  for (const check of plan.checks) {
    const progress = ctx.out.progress(`${plan.wizard}: checking ${check.title}`);
    let r: ExecResult;
    try {
      r = await ctx.guest.exec(check.argv, { signal: ctx.signal });
    } finally {
      progress.end();
    }
    const output = (r.stdout + r.stderr).trim();
    const problem = r.code !== 0 ? `exit status ${r.code}${output ? `: ${lastLine(output)}` : ''}` : check.expect?.(r);
    result.checks.push({ title: check.title, command: commandLine(check.argv), ok: problem === undefined, output });
    if (problem !== undefined) await undoAndFail(ctx, plan, result, journalBefore, `check ${check.title} failed after all steps ran: ${problem}`);
  }
  return result;
}

async function dryRun(ctx: CommandContext, plan: Plan, result: WizardResult): Promise<WizardResult> {
  for (const step of plan.steps) {
    if (step.noDryRun !== undefined) {
      result.steps.push({ title: step.title, command: commandLine(step.argv), status: 'not-previewed', note: step.noDryRun });
      continue;
    }
    const argv = step.argv.includes('--dry-run') ? step.argv : [...step.argv, '--dry-run'];
    const r = await ctx.invoke(argv, { quiet: true });
    const sr: StepResult = { title: step.title, command: commandLine(step.argv), status: 'dry-run' };
    if (r.code === 0) sr.data = r.data;
    else if (step.afterEarlier !== undefined) {
      sr.status = 'not-previewed';
      sr.note = `${step.afterEarlier} (its dry run says: ${r.error ?? `exit status ${r.code}`})`;
    } else {
      throw new CliError('failed', `${plan.wizard} --dry-run: step ${result.steps.length + 1} (${stepName(step)}) cannot run: ${r.error ?? `exit status ${r.code}`}`);
    }
    result.steps.push(sr);
  }
  result.checks = plan.checks.map((c) => ({ title: c.title, command: commandLine(c.argv), ok: false, output: 'not run (dry run)' }));
  return result;
}

/** A step for an error line: its title, and its command line when that says more. */
function stepName(step: WizardStep): string {
  const line = commandLine(step.argv);
  return line === step.title ? line : `${step.title}: ${line}`;
}

function journalLength(ctx: CommandContext): number {
  return ctx.session.journal?.records().length ?? 0;
}

interface UndoData {
  undone: { seq: number; command: string; notUndone: { what: string; reason: string }[] }[];
}

/** Reverts the journal records the wizard's steps added (newest first), reports them, and throws `message`. */
async function undoAndFail(ctx: CommandContext, plan: Plan, result: WizardResult, journalBefore: number, message: string): Promise<never> {
  const added = journalLength(ctx) - journalBefore;
  const made = result.steps.filter((s) => s.status === 'done' || s.status === 'failed');
  if (added <= 0) throw new CliError('failed', `${plan.wizard}: ${message}; nothing had been changed`);
  const u = await ctx.invoke(['undo', String(added)], { quiet: true });
  const data = u.data as UndoData | undefined;
  const notUndone = (data?.undone ?? []).flatMap((rec) => rec.notUndone.map((x) => `${rec.command}: ${x.what}: ${x.reason}`));
  if (data) {
    ctx.out.note(`${plan.wizard}: undid ${data.undone.length} journaled step${data.undone.length === 1 ? '' : 's'}: ${made.map((s) => s.command).join('; ')}`);
  }
  for (const x of notUndone) ctx.out.note(`${plan.wizard}: NOT undone: ${x}`);
  if (!data) {
    for (const s of made) ctx.out.note(`${plan.wizard}: NOT undone (undo failed: ${u.error ?? `exit status ${u.code}`}): ${s.command}`);
    throw new CliError('failed', `${plan.wizard}: ${message}; undoing its steps failed too: ${u.error ?? `exit status ${u.code}`}`);
  }
  throw new CliError('failed', `${plan.wizard}: ${message}; ${notUndone.length === 0 ? 'its changes were undone' : `${notUndone.length} change${notUndone.length === 1 ? ' was' : 's were'} NOT undone (listed above)`}`);
}

function lastLine(text: string): string {
  const lines = text.split('\n').filter((l) => l.trim() !== '');
  return lines[lines.length - 1] ?? '';
}

/** Human rendering of a wizard's result: each step with its status, the checks, the notes. */
export function renderWizard(r: WizardResult, out: Output): void {
  for (const n of r.notes) out.line(`note: ${escapeForTerminal(n)}`);
  r.steps.forEach((s, i) => {
    const mark = r.dryRun ? (s.status === 'not-previewed' ? 'would run (not previewed)' : 'would run') : s.status;
    out.line(`${i + 1}. [${mark}] ${escapeForTerminal(s.command)}    # ${escapeForTerminal(s.title)}`);
    if (r.dryRun) renderStepDryRun(s, out);
  });
  for (const c of r.checks) out.line(r.dryRun ? `would check: ${escapeForTerminal(c.command)}` : `check ${escapeForTerminal(c.title)}: ok${c.output ? ` (${escapeForTerminal(lastLine(c.output))})` : ''}`);
  out.line(r.dryRun ? `${r.wizard}: dry run, nothing was changed` : `${r.wizard}: done, ${r.steps.length} steps, ${r.checks.length} checks passed`);
}

function renderStepDryRun(s: StepResult, out: Output): void {
  if (s.note) out.line(`   note: ${escapeForTerminal(s.note)}`);
  const d = s.data as { diff?: unknown; actions?: unknown; commands?: unknown; installed?: unknown; upgraded?: unknown; removed?: unknown } | undefined;
  if (!d || typeof d !== 'object') return;
  // A package manager's simulation (install --dry-run): the packages, with versions.
  for (const [verb, list] of [['install', d.installed], ['upgrade', d.upgraded], ['remove', d.removed]] as const) {
    if (!Array.isArray(list) || list.length === 0) continue;
    const names = list.map((p: { name?: string; version?: string; to?: string }) => `${p.name ?? '?'}${p.version ? ` ${p.version}` : p.to ? ` ${p.to}` : ''}`);
    out.line(`   would ${verb} ${list.length} package${list.length === 1 ? '' : 's'}: ${escapeForTerminal(names.join(', '))}`);
  }
  if (typeof d.diff === 'string' && d.diff !== '') out.write(escapeLinesForTerminal(d.diff.endsWith('\n') ? d.diff : d.diff + '\n'));
  for (const list of [d.actions, d.commands]) {
    if (Array.isArray(list)) for (const a of list) out.line(`   would ${escapeForTerminal(typeof a === 'string' ? a : JSON.stringify(a))}`);
  }
}
