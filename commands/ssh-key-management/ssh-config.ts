import { defineCommand, type Args, type CommandContext } from '../../src/shell/command.js';
import type { Output } from '../../src/shell/output.js';
import { applyChanges, diffOf, type FileChange, type Verify } from '../../src/guest/file-changes.js';
import { canonicalKeyword, isKnownKeyword, SSHD_CONFIG, SSHDIR } from '../../src/parsers/sshd-config.js';
import type { LoadedSshdConfig } from '../../src/parsers/sshd-config-model.js';
import {
  effectiveSettings,
  effectiveValues,
  globalOccurrences,
  matchOccurrences,
  type EffectiveSetting,
} from '../../src/parsers/sshd-config-queries.js';
import { setSshdOption, SshdConfigError, unsetSshdOption, type SshdEdit } from '../../src/parsers/sshd-config-editor.js';
import { CliError, describeError } from '../../src/util/errors.js';
import { checkSshdConfig, findSshd, loadGuestSshdConfig } from './_shared/sshd.js';
import { DRY_RUN, dryRunOption } from '../../src/shell/dry-run.js';

const ACTIONS = ['show', 'get', 'set', 'unset'];

/** The guest's sshd -t said no (its message). */
class SshdRejected extends Error {}

async function load(ctx: CommandContext): Promise<LoadedSshdConfig> {
  const cfg = await loadGuestSshdConfig(ctx.guest);
  if (!cfg) throw new CliError('not-found', `the guest has no ${SSHD_CONFIG} (is openssh-server installed?)`);
  for (const p of cfg.problems) ctx.out.note(p);
  return cfg;
}

const where = (s: { file: string; line: number }) => `${s.file}:${s.line}`;

type ShowResult = { settings: EffectiveSetting[]; matches: { condition: string; file: string; line: number; settings: { keyword: string; value: string; file: string; line: number }[] }[] };
type GetResult = { keyword: string; values: { value: string; file: string; line: number }[]; match: { value: string; file: string; line: number; condition: string }[] };
type ChangeResult = { action: 'set' | 'unset'; keyword: string; value: string | null; files: string[]; checked: boolean; dryRun: boolean; diff?: string };

function showConfig(cfg: LoadedSshdConfig): unknown {
  const settings = effectiveSettings(cfg);
  const matches = cfg.matches.map((m) => ({
    ...m,
    settings: cfg.occurrences.filter((o) => o.match === m).map((o) => ({ keyword: canonicalKeyword(o.directive.keyword), value: o.directive.raw.slice(o.directive.valueStart, o.directive.valueEnd), file: o.file, line: o.directive.line })),
  }));
  return { main: cfg.main, files: [...cfg.files.keys()], settings, matches, includes: cfg.includes, problems: cfg.problems };
}

function renderShow(out: Output, { settings, matches }: ShowResult): void {
  out.table(['KEYWORD', 'VALUE', 'FROM'], settings.map((s) => [s.keyword, s.value.replace(/\t/g, ' '), where(s)]));
  const ignored = settings.flatMap((s) => s.overridden.map((o) => ({ ...o, by: s })));
  if (ignored.length > 0) {
    out.line();
    out.line('ignored (an earlier line wins):');
    for (const o of ignored) out.line(`  ${o.keyword} ${o.value}  (${where(o)}; ${where(o.by)} wins)`);
  }
  for (const m of matches) {
    out.line();
    out.line(`Match ${m.condition}  (${where(m)})`);
    for (const s of m.settings) out.line(`  ${s.keyword} ${s.value}  (${where(s)})`);
  }
}

function renderGet(out: Output, r: GetResult): void {
  if (r.values.length === 0) out.line(`${r.keyword} is not set: sshd's built-in default applies`);
  for (const v of r.values) out.line(`${r.keyword} ${v.value}  (${where(v)})`);
  for (const m of r.match) out.line(`${r.keyword} ${m.value}  (${where(m)}, in Match ${m.condition})`);
}

function renderChange(out: Output, r: ChangeResult): void {
  if (r.dryRun) out.write(r.diff ?? '');
  else if (r.files.length === 0) out.line(r.action === 'unset' ? `${r.keyword} is not set outside Match blocks: nothing to do` : `${r.keyword} is already ${r.value}`);
  else out.line(`${r.action === 'set' ? `set ${r.keyword} ${r.value}` : `unset ${r.keyword}`} in ${r.files.join(', ')}${r.checked ? ' (sshd -t: ok)' : ''}`);
}

function getValue(cfg: LoadedSshdConfig, keyword: string): unknown {
  const values = effectiveValues(cfg, keyword);
  const inMatch = matchOccurrences(cfg, keyword);
  const name = values[0]?.keyword ?? canonicalKeyword(keyword);
  return { keyword: name, set: values.length > 0, values: values.map((v) => ({ value: v.value, args: v.args, file: v.file, line: v.line })), match: inMatch.map((m) => ({ value: m.value, file: m.file, line: m.line, condition: m.match.condition })) };
}

/** Files outside /etc/ssh (crypto-policy back-ends and the like) are someone else's to manage. */
async function refuseForeign(ctx: CommandContext, cfg: LoadedSshdConfig, edits: SshdEdit, keyword: string): Promise<void> {
  for (const path of edits.keys()) {
    if (path === cfg.main) continue;
    const real = await ctx.guest.fs.realpath(path).catch(() => path);
    if (real.startsWith(`${SSHDIR}/`)) continue;
    const inc = cfg.includes.find((i) => i.files.includes(path));
    throw new CliError(
      'refused',
      `${canonicalKeyword(keyword)} is set in ${path}${inc ? ` (included from ${inc.file} line ${inc.line})` : ''}, outside ${SSHDIR}: guestctl does not edit it; set it in a drop-in read before that Include`,
    );
  }
}

async function change(ctx: CommandContext, cfg: LoadedSshdConfig, action: 'set' | 'unset', keyword: string, value: string, opts: { dryRun: boolean; check: boolean }): Promise<unknown> {
  let edits: SshdEdit;
  try {
    edits = action === 'set' ? setSshdOption(cfg, keyword, value) : unsetSshdOption(cfg, keyword);
  } catch (err) {
    if (err instanceof SshdConfigError) throw new CliError('usage', err.message);
    throw err;
  }
  await refuseForeign(ctx, cfg, edits, keyword);
  const changes: FileChange[] = [...edits].map(([path, after]) => ({ path, before: cfg.files.get(path)!.text, after }));
  const name = canonicalKeyword(keyword);
  const inMatch = matchOccurrences(cfg, keyword);
  const result: ChangeResult = { action, keyword: name, value: action === 'set' ? value : null, files: changes.filter((c) => c.before !== c.after).map((c) => c.path), checked: false, dryRun: opts.dryRun };
  if (opts.dryRun) return { ...result, diff: diffOf(changes) };
  if (result.files.length === 0) return result;
  const sshd = await findSshd(ctx.guest);
  if (opts.check && !sshd && !isKnownKeyword(keyword)) throw new CliError('usage', `unknown sshd_config keyword ${keyword}, and the guest has no sshd to check it with`);
  const verify: Verify | undefined =
    opts.check && sshd
      ? {
          run: async () => {
            const check = await checkSshdConfig(ctx.guest, sshd, cfg.main);
            if (!check.ok) throw new SshdRejected(check.message.split('\n').filter(Boolean).join('; '));
            result.checked = true;
          },
          failure: (err, restored) =>
            err instanceof SshdRejected ? `the guest's sshd -t rejects the change (${restored}): ${err.message}` : `checking with sshd -t: ${describeError(err)}; ${restored}`,
        }
      : undefined;
  await applyChanges(ctx.guest, changes, verify);
  if (!opts.check) ctx.out.note('not checked with sshd -t (--no-check)');
  else if (!sshd) ctx.out.note(`the guest has no sshd: the result was not checked with sshd -t`);
  for (const m of inMatch) ctx.out.note(`${m.keyword} ${m.value} in Match ${m.match.condition} (${where(m)}) still applies to matching connections`);
  return result;
}

export const sshConfig = defineCommand({
  name: 'ssh-config',
  category: 'ssh-key-management',
  summary: "Show, get, set or unset sshd_config settings (Included drop-ins followed; sshd -t checks every change)",
  description:
    "show: every setting sshd uses outside Match blocks, with the file and line it comes from (first value wins, as in sshd; Include globs are followed, relative ones under /etc/ssh), lines an earlier one overrides, and the Match blocks. get KEY: its value(s) and where. set KEY VALUE: edits the first line sshd uses (in the drop-in that sets it, if any), or adds one after the commented-out default, before the first Match block; comments and other lines stay. unset KEY: comments out every line outside Match blocks. After set/unset the guest's own sshd -t checks the result (offline with a private /run in the sandbox, and a throwaway host key when the guest has none yet); if it fails the previous content is restored and sshd's message shown.",
  examples: ['ssh-config', 'ssh-config get PermitRootLogin', 'ssh-config set PermitRootLogin prohibit-password', 'ssh-config set PasswordAuthentication no --dry-run', 'ssh-config unset X11Forwarding'],
  positionals: [
    { name: 'ACTION', optional: true, description: 'show (default), get, set or unset' },
    { name: 'KEY', optional: true, description: 'sshd_config keyword (case-insensitive)' },
    { name: 'VALUE', optional: true, variadic: true, description: 'for set: the value (several words are joined with spaces)' },
  ],
  options: {
    ...dryRunOption('show the change as a unified diff and write nothing'),
    'no-check': { type: 'boolean', description: "do not run the guest's sshd -t after the change" },
  },
  needs: ['fs'],
  mutates: (args) => ['set', 'unset'].includes(args.optStr('ACTION') ?? ''),
  journal: { trees: [] },
  async run(ctx, args) {
    const action = args.optStr('ACTION') ?? 'show';
    if (!ACTIONS.includes(action)) throw new CliError('usage', `unknown action ${JSON.stringify(action)}: show, get, set or unset`);
    const key = args.optStr('KEY');
    const value = args.list('VALUE').join(' ');
    if (action === 'show') {
      if (key) throw new CliError('usage', 'show takes no KEY (use get KEY)');
      return showConfig(await load(ctx));
    }
    if (!key) throw new CliError('usage', `${action} needs a KEY`);
    if (action === 'get') {
      if (value) throw new CliError('usage', 'get takes one KEY');
      const cfg = await load(ctx);
      if (!isKnownKeyword(key) && !cfg.occurrences.some((o) => o.directive.key === key.toLowerCase())) throw new CliError('usage', `unknown sshd_config keyword ${key}`);
      return getValue(cfg, key);
    }
    if (action === 'set' && !value) throw new CliError('usage', 'set needs a VALUE');
    if (action === 'unset' && value) throw new CliError('usage', 'unset takes one KEY');
    const cfg = await load(ctx);
    if (globalOccurrences(cfg, key).length === 0 && action === 'unset' && matchOccurrences(cfg, key).length === 0 && !isKnownKeyword(key)) {
      throw new CliError('usage', `unknown sshd_config keyword ${key}`);
    }
    return change(ctx, cfg, action as 'set' | 'unset', key, value, { dryRun: args.flag(DRY_RUN), check: !args.flag('no-check') });
  },
  render(r: ShowResult | GetResult | ChangeResult, out: Output, args: Args) {
    const action = args.optStr('ACTION') ?? 'show';
    if (action === 'show') renderShow(out, r as ShowResult);
    else if (action === 'get') renderGet(out, r as GetResult);
    else renderChange(out, r as ChangeResult);
  },
});
