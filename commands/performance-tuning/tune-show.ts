import type { Output } from '../../src/shell/output.js';
import { defineCommand } from '../../src/shell/command.js';
import { globMatcher, GlobError } from '../../src/parsers/glob.js';
import { normalizeSysctlKey } from '../../src/parsers/sysctl.js';
import type { SysctlSetting } from '../../src/parsers/sysctl-merge.js';
import { CliError } from '../../src/util/errors.js';
import { loadSysctlConfig, type SysctlConfig } from './_shared/sysctl-config.js';
import { liveValue } from './_shared/live-sysctl.js';

/** A merged setting; on a live guest also the running kernel's value (null when it has no such key). */
type TuneShowRow = Omit<SysctlSetting, 'overrides'> & { current?: string | null };

interface TuneShowResult {
  reader: SysctlConfig['reader'];
  files: string[];
  masked: string[];
  settings: TuneShowRow[];
}

export const tuneShow = defineCommand({
  name: 'tune-show',
  aliases: ['sysctl-show'],
  category: 'performance-tuning',
  summary: 'The kernel settings (sysctl) the guest boots with, each with the file and line that sets it',
  description:
    "Merged as the guest's boot does: systemd-sysctl reads every *.conf of /etc/sysctl.d, /run/sysctl.d, /usr/local/lib/sysctl.d and /usr/lib/sysctl.d " +
    '(a name in /etc hides the same name in /run and /usr/lib; a link to /dev/null masks it) in the order of their names, and the last assignment of a key wins; ' +
    '/etc/sysctl.conf counts only where a file links to it (99-sysctl.conf on Debian and Fedora). A guest without systemd (procps sysctl --system) also reads /etc/sysctl.conf last. ' +
    'PATTERN is a glob on the dotted key. On a running guest the CURRENT column is the value the kernel has now.',
  examples: ['tune-show', 'tune-show vm.*', "tune-show 'net.ipv4.*'", 'tune-show kernel.pid_max'],
  positionals: [{ name: 'PATTERN', optional: true, complete: 'none', description: 'a glob on the key, e.g. vm.*' }],
  needs: ['fs'],
  async run(ctx, args): Promise<TuneShowResult> {
    const pattern = args.optStr('PATTERN');
    let match: (key: string) => boolean = () => true;
    if (pattern !== undefined) {
      try {
        match = globMatcher(normalizeSysctlKey(pattern));
      } catch (err) {
        if (err instanceof GlobError) throw new CliError('usage', `bad pattern '${pattern}': ${err.message}`);
        throw err;
      }
    }
    const config = await loadSysctlConfig(ctx.guest);
    const live = ctx.guest.kind === 'live';
    const settings: TuneShowRow[] = [];
    for (const s of config.settings.filter((x) => match(x.key))) {
      const row: TuneShowRow = { key: s.key, value: s.value, file: s.file, line: s.line, ignoreErrors: s.ignoreErrors, glob: s.glob };
      if (live && !s.glob) row.current = await liveValue(ctx.guest, s.key);
      settings.push(row);
    }
    return { reader: config.reader, files: config.sources.map((s) => s.path), masked: config.masked, settings };
  },
  render(r: TuneShowResult, out: Output) {
    if (r.settings.length === 0) {
      out.line(r.files.length === 0 ? 'no sysctl.d files: the kernel keeps its defaults' : 'no matching settings');
      return;
    }
    const live = r.settings.some((s) => s.current !== undefined);
    const value = (s: TuneShowRow) => (s.value === null ? '(kept out of globs)' : s.value);
    const source = (s: TuneShowRow) => `${s.file}:${s.line}${s.ignoreErrors ? ' (errors ignored)' : ''}`;
    out.table(
      live ? ['KEY', 'BOOT VALUE', 'CURRENT', 'SET IN'] : ['KEY', 'VALUE', 'SET IN'],
      r.settings.map((s) => (live ? [s.key, value(s), s.current ?? '-', source(s)] : [s.key, value(s), source(s)])),
    );
    for (const m of r.masked) out.line(`masked: ${m}`);
  },
});
