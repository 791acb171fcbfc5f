import { describe, expect, it } from 'vitest';
import { defineCommand, type SessionState } from '../../../src/shell/command.js';
import { DRY_RUN } from '../../../src/shell/dry-run.js';
import { parseLine, unescapeContent } from '../../../src/shell/parse-line.js';
import { fakeGuest, dir, type FakeGuest, type FakeGuestSpec } from '../../helpers/fake-guest.js';
import { runCommand } from '../../helpers/run-command.js';
import { scriptedPrompter } from '../../helpers/scripted-prompter.js';
import { wizardOptions } from '../../../wizards/_shared/ask.js';
import { commandLine, renderWizard, runPlan, writeContentArg, type Plan, type WizardResult } from '../../../wizards/_shared/runner.js';

// The wizards' runner, through the real executor and real file commands (write, mkdir, symlink)
// on a fake guest: plan, confirmation, step-by-step run, checks, undo on failure, dry run.

function testWizard(plan: Plan) {
  return defineCommand({
    name: 'setup-test',
    category: 'setup-wizards',
    summary: 'a wizard for the runner tests',
    examples: ['setup-test --yes'],
    options: { ...wizardOptions() },
    mutates: true,
    journal: false,
    run: (ctx, args) => runPlan(ctx, plan, { yes: args.flag('yes'), dryRun: args.flag(DRY_RUN) }),
    render: (r: WizardResult, out) => renderWizard(r, out),
  });
}

const plan = (over: Partial<Plan> = {}): Plan => ({
  wizard: 'setup-test',
  choices: {},
  steps: [
    { title: 'make the directory', argv: ['mkdir', '-p', '/srv/site'] },
    { title: 'write the page', argv: ['write', '/srv/site/index.html', writeContentArg('<h1>hi</h1>\n')] },
    { title: 'replace the motd', argv: ['write', '/etc/motd', 'new\\n'] },
  ],
  checks: [{ title: 'cat the page', argv: ['cat', '/srv/site/index.html'], expect: (r) => (r.stdout.includes('hi') ? undefined : 'no page') }],
  notes: [],
  ...over,
});

const guest = (exec: FakeGuestSpec['exec'] = {}) =>
  fakeGuest({ os: { distro: 'debian' }, files: { '/etc/motd': 'old\n', '/etc': dir(), '/srv': dir() }, exec: { cat: async (argv, _o, g) => ({ stdout: (await g.fs.readFile(argv[1]!)).toString() }), ...exec } });

async function text(g: FakeGuest, path: string): Promise<string | null> {
  return (await g.fs.exists(path)) ? (await g.fs.readFile(path)).toString() : null;
}

describe('the wizard runner', () => {
  it('shell-quotes each step as the user would type it, and the write content comes back byte for byte', () => {
    const content = 'a\\b\n\tc\r\n';
    const argv = ['write', '/x', writeContentArg(content)];
    expect(unescapeContent(parseLine(commandLine(argv))[2]!)).toBe(content);
    expect(commandLine(['run', 'sh', '-c', "it's"])).toBe("run sh -c 'it'\\''s'");
    expect(parseLine(commandLine(['run', 'sh', '-c', "it's $x"]))).toEqual(['run', 'sh', '-c', "it's $x"]);
  });

  it('runs every step through the executor (one journal record each), then the checks', async () => {
    const g = guest();
    const session: SessionState = { cwd: '/' };
    const r = await runCommand(testWizard(plan()), ['--yes'], { guest: g, session, json: true });
    expect(r.code, r.stderr).toBe(0);
    const data = r.data as WizardResult;
    expect(data.steps.map((s) => s.status)).toEqual(['done', 'done', 'done']);
    expect(data.checks).toEqual([{ title: 'cat the page', command: 'cat /srv/site/index.html', ok: true, output: '<h1>hi</h1>' }]);
    expect(await text(g, '/srv/site/index.html')).toBe('<h1>hi</h1>\n');
    expect(await text(g, '/etc/motd')).toBe('new\n');
    // The wizard is not journaled itself: three records, one per step.
    expect(session.journal!.records().map((x) => x.argv[0])).toEqual(['mkdir', 'write', 'write']);
  });

  it('a failed step stops the wizard: one error line naming the step and cause, and the steps before it are undone', async () => {
    const g = guest();
    const session: SessionState = { cwd: '/' };
    const p = plan();
    p.steps.splice(2, 0, { title: 'write into a missing directory', argv: ['write', '/nope/dir/file', 'x'] });
    const r = await runCommand(testWizard(p), ['--yes'], { guest: g, session });
    expect(r.code).toBe(1);
    const errors = r.stderr.split('\n').filter((l) => l.startsWith('error:'));
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/^error: setup-test: step 3 \(write into a missing directory: write \/nope\/dir\/file x\) failed: .+; its changes were undone$/);
    expect(r.stderr).toContain('note: setup-test: undid 3 journaled steps');
    expect(await text(g, '/srv/site/index.html')).toBeNull();
    expect(await g.fs.exists('/srv/site')).toBe(false);
    expect(await text(g, '/etc/motd')).toBe('old\n');
    expect(session.journal!.records().every((x) => x.undone)).toBe(true);
  });

  it('a failed check after all steps undoes them too', async () => {
    const g = guest({ cat: { code: 0, stdout: 'other text' } });
    const r = await runCommand(testWizard(plan()), ['--yes'], { guest: g });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/error: setup-test: check cat the page failed after all steps ran: no page; its changes were undone/);
    expect(await text(g, '/etc/motd')).toBe('old\n');
    expect(await g.fs.exists('/srv/site')).toBe(false);
  });

  it('on a terminal the plan is shown and confirmed; "no" changes nothing (exit 130)', async () => {
    const g = guest();
    const asked: string[] = [];
    const prompt = scriptedPrompter({ confirm: async (q) => (asked.push(q), false) });
    const r = await runCommand(testWizard(plan()), [], { guest: g, prompt, tty: true });
    expect(r.code).toBe(130);
    expect(asked).toEqual(['Run these 3 steps?']);
    expect(r.stderr).toContain('setup-test will run:\n  1. mkdir -p /srv/site    # make the directory\n');
    expect(r.stderr).toContain('error: setup-test cancelled: nothing was changed');
    expect(await text(g, '/etc/motd')).toBe('old\n');
  });

  it('--yes on a terminal, and any script, runs without a question', async () => {
    for (const opts of [{ args: ['--yes'], tty: true }, { args: [], tty: false }]) {
      const g = guest();
      const prompt = scriptedPrompter({ interactive: opts.tty });
      const r = await runCommand(testWizard(plan()), opts.args, { guest: g, prompt, tty: opts.tty });
      expect(r.code, r.stderr).toBe(0);
      expect(await text(g, '/etc/motd')).toBe('new\n');
    }
  });

  it('--dry-run: each step dry-runs itself (diffs), a step that needs an earlier one is noted, nothing changes', async () => {
    const g = guest();
    const p = plan();
    p.steps.push({ title: 'link it', argv: ['symlink', '../site', '/srv/site/link/x'], afterEarlier: 'the directory is made by step 1' });
    p.steps.push({ title: 'run a tool', argv: ['run', 'true'], noDryRun: 'would run true' });
    const r = await runCommand(testWizard(p), ['--dry-run'], { guest: g });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('+<h1>hi</h1>');
    expect(r.stdout).toContain('-old\n+new');
    expect(r.stdout).toMatch(/4\. \[would run \(not previewed\)\] symlink \.\.\/site \/srv\/site\/link\/x {4}# link it\n {3}note: the directory is made by step 1 \(its dry run says: .+\)/);
    expect(r.stdout).toContain('5. [would run (not previewed)] run true    # run a tool\n   note: would run true');
    expect(r.stdout).toContain('setup-test: dry run, nothing was changed');
    expect(await text(g, '/etc/motd')).toBe('old\n');
    expect(await g.fs.exists('/srv/site')).toBe(false);
  });

  it('--dry-run fails when a step that depends on nothing cannot run, naming it', async () => {
    const g = guest();
    const r = await runCommand(testWizard(plan({ steps: [{ title: 'bad', argv: ['chmod', '0600', '/missing'] }] })), ['--dry-run'], { guest: g });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^error: setup-test --dry-run: step 1 \(bad: chmod 0600 \/missing\) cannot run: /m);
  });
});
