import { defineCommand } from '../../src/shell/command.js';
import type { Output } from '../../src/shell/output.js';
import type { Guest } from '../../src/guest/types.js';
import { applyChanges, changed, diffOf, type FileChange } from '../../src/guest/file-changes.js';
import { setShellVar, shellVars } from '../../src/editors/shell-vars.js';
import { localeAvailable, localeGenEnabled, localeProblem, normalizeLocale } from '../../src/parsers/system-identity.js';
import { CliError, describeError } from '../../src/util/errors.js';
import { readConfig } from './_shared/common.js';
import { DRY_RUN, dryRunOption } from '../../src/shell/dry-run.js';
import { distroFamily, type Family } from '../../src/inspect/distro-family.js';

// The system locale: LANG in /etc/default/locale on the Debian family (read by pam_env and
// update-locale), /etc/locale.conf elsewhere (systemd, localectl). Other variables in the file
// stay as they are. Whether the locale is actually compiled in the guest is asked of the
// guest's own `locale -a` (locale-archive plus /usr/lib/locale/*); a missing one is a note, not
// an error: the setting is still right, the guest just needs `locale-gen` or a langpack.

const DEBIAN_FILE = '/etc/default/locale';
const LOCALE_CONF = '/etc/locale.conf';
const BOTH = [DEBIAN_FILE, LOCALE_CONF];

interface LocaleShown {
  action: 'show';
  file: string;
  lang: string | null;
  variables: Record<string, string>;
  notes: string[];
}

interface LocaleSet {
  action: 'set';
  file: string;
  lang: string;
  previous: string | null;
  generated: boolean | null;
  notes: string[];
  changed: string[];
  dryRun: boolean;
  diff: string;
}

type Result = LocaleShown | LocaleSet;

const fileFor = (family: Family) => (family === 'debian' ? DEBIAN_FILE : LOCALE_CONF);

/** The guest's compiled locales, from its own `locale -a` (null: the guest cannot tell us). */
async function compiledLocales(guest: Guest): Promise<string[] | null> {
  if (!guest.capabilities.has('exec')) return null;
  for (const argv of [['locale', '-a'], ['localedef', '--list-archive']]) {
    try {
      const r = await guest.exec(argv);
      if (r.code === 0) return r.stdout.split('\n').map((l) => l.trim()).filter(Boolean);
    } catch {
      // not there (busybox guest), or not runnable here: try the next, then give up
    }
  }
  return null;
}

async function availability(guest: Guest, family: Family, name: string): Promise<{ generated: boolean | null; note: string | null }> {
  if (localeAvailable(name, [])) return { generated: true, note: null }; // C, POSIX, C.UTF-8
  const compiled = await compiledLocales(guest);
  if (compiled === null) return { generated: null, note: `could not check whether ${name} is available in the guest (it has no locale program that runs here)` };
  if (localeAvailable(name, compiled)) return { generated: true, note: null };
  let hint = '';
  if (family === 'debian') {
    const gen = await readConfig(guest, '/etc/locale.gen').catch(() => ({ text: null }));
    const enabled = gen.text !== null && localeGenEnabled(gen.text).some((l) => normalizeLocale(l) === normalizeLocale(name));
    hint = enabled
      ? ': it is enabled in /etc/locale.gen but not compiled; run locale-gen in the guest (e.g. `run locale-gen`)'
      : `: enable it in /etc/locale.gen (\`${name} ${name.split('.')[1] ?? 'UTF-8'}\`) and run locale-gen in the guest`;
  } else if (family === 'rhel') {
    hint = `: install the glibc-langpack-${name.split(/[_.@]/)[0]} package in the guest`;
  }
  return { generated: false, note: `${name} is not generated in the guest (locale -a does not list it); programs will fall back to C${hint}` };
}

async function show(guest: Guest): Promise<LocaleShown> {
  const family = await distroFamily(guest);
  const notes: string[] = [];
  const preferred = fileFor(family);
  for (const p of [preferred, ...BOTH.filter((f) => f !== preferred)]) {
    try {
      const { text } = await readConfig(guest, p, BOTH);
      if (text === null) continue;
      const variables = shellVars(text);
      return { action: 'show', file: p, lang: variables.LANG ?? null, variables, notes };
    } catch (err) {
      notes.push(describeError(err));
    }
  }
  notes.push(`no ${preferred}: the guest runs with the C locale`);
  return { action: 'show', file: preferred, lang: null, variables: {}, notes };
}

export const locale = defineCommand({
  name: 'locale',
  category: 'system-configuration',
  summary: "Show or set the guest's system locale (LANG in /etc/default/locale on Debian, /etc/locale.conf elsewhere)",
  description:
    'LOCALE is language[_TERRITORY][.CODESET][@MODIFIER] (de_DE.UTF-8, sr_RS@latin) or C, POSIX, C.UTF-8. Only LANG ' +
    "changes; other variables in the file stay. When the guest's own `locale -a` does not list the locale, a note says " +
    'how to generate it (locale-gen on Debian, a glibc-langpack on RHEL); the setting is written anyway.',
  examples: ['locale', 'locale de_DE.UTF-8', 'locale C.UTF-8 --dry-run', 'locale en_US.UTF-8'],
  positionals: [{ name: 'LOCALE', optional: true, complete: 'none', description: 'e.g. en_US.UTF-8' }],
  mutates: (args) => args.optStr('LOCALE') !== undefined,
  journal: { trees: ['/etc', '/usr/lib/locale'] },
  options: dryRunOption(),
  needs: ['fs'],
  async run(ctx, args): Promise<Result> {
    const guest = ctx.guest;
    const name = args.optStr('LOCALE');
    if (name === undefined) {
      const shown = await show(guest);
      for (const n of shown.notes) ctx.out.note(n);
      return shown;
    }
    const problem = localeProblem(name);
    if (problem) throw new CliError('usage', `not a locale name '${name}': ${problem}`);
    const dryRun = args.flag(DRY_RUN);
    const family = await distroFamily(guest);
    const target = await readConfig(guest, fileFor(family), BOTH);
    const change: FileChange = { path: target.path, before: target.text, after: setShellVar(target.text, 'LANG', name), mode: 0o644, uid: 0, gid: 0 };
    const before = target.text === null ? {} : shellVars(target.text);
    const notes: string[] = [];
    if (before.LC_ALL !== undefined && before.LC_ALL !== name) notes.push(`LC_ALL=${before.LC_ALL} in ${target.path} overrides LANG for every category`);
    const { generated, note } = await availability(guest, family, name);
    if (note) notes.push(note);
    const result: LocaleSet = {
      action: 'set',
      file: target.path,
      lang: name,
      previous: before.LANG ?? null,
      generated,
      notes,
      changed: changed(change) ? [change.path] : [],
      dryRun,
      diff: diffOf([change]),
    };
    if (!dryRun) await applyChanges(guest, [change]);
    for (const n of notes) ctx.out.note(n);
    return result;
  },
  render(r: Result, out: Output) {
    if (r.action === 'show') {
      if (Object.keys(r.variables).length === 0) out.line(`LANG not set (${r.file})`);
      for (const [k, v] of Object.entries(r.variables)) out.line(`${k}=${v}`);
      return;
    }
    if (r.dryRun) {
      out.write(r.diff);
      out.line(r.changed.length === 0 ? 'nothing to change' : `dry run: would change ${r.changed.join(', ')}`);
      return;
    }
    if (r.changed.length === 0) out.line(`LANG is already ${r.lang} in ${r.file}: nothing changed`);
    else out.line(`locale: LANG=${r.previous ?? '(unset)'} -> LANG=${r.lang} (${r.file})`);
  },
});
