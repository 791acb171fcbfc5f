import { quote } from 'shell-quote';
import type { CommandDef } from '../../../src/shell/command.js';
import type { JournalRecord } from '../../../src/change-journal/journal.js';
import { parseCommandArgs } from '../../../src/shell/args.js';
import { CliError } from '../../../src/util/errors.js';
import { markedArgs, type HostFileArg } from './host-args.js';
import { replayCaveats } from './replay-caveat.js';

// A template: the session's successful, not-undone mutating commands as a guestctl script that
// `guestctl interactive OTHER < FILE` replays, with a header naming where it came from and the
// host files it reads.

export interface TemplateLine {
  seq: number;
  line: string;
  hostFiles: HostFileArg[];
  notes: string[];
}

export interface Template {
  from: string;
  created: string;
  version: string;
  lines: TemplateLine[];
  hostFiles: HostFileArg[];
  text: string;
}

export interface TemplateSource {
  from: string;
  created: Date;
  version: string;
}

export function buildTemplate(records: readonly JournalRecord[], commands: readonly CommandDef[], source: TemplateSource): Template {
  const byName = new Map(commands.flatMap((c) => [c.name, ...(c.aliases ?? [])].map((n) => [n, c] as const)));
  const lines: TemplateLine[] = [];
  for (const r of records) {
    if (!r.ok || r.undone) continue;
    const [name, ...rest] = r.argv;
    const cmd = name === undefined ? undefined : byName.get(name);
    if (!cmd) throw new CliError('failed', `template-save: change ${r.seq} (${r.commandLine}) names no known command`);
    if (r.argv.some((a) => /[\r\n]/.test(a))) {
      throw new CliError('refused', `template-save: change ${r.seq} (${name}) has an argument with a line break, which a one-command-per-line script cannot hold`);
    }
    const args = parseCommandArgs(cmd, rest);
    const marks = markedArgs(cmd, args);
    if (marks.inlineSecrets.length > 0) {
      throw new CliError('refused', `template-save: change ${r.seq} (${name}) has a secret inline in ${marks.inlineSecrets.join(', ')}; a template never holds secrets: give it as a host file`);
    }
    lines.push({ seq: r.seq, line: quote([...r.argv]), hostFiles: marks.hostFiles, notes: replayCaveats(cmd, args) });
  }
  const hostFiles = uniqueFiles(lines.flatMap((l) => l.hostFiles));
  const created = source.created.toISOString();
  return { from: source.from, created, version: source.version, lines, hostFiles, text: render(source.from, created, source.version, lines, hostFiles) };
}

function uniqueFiles(files: HostFileArg[]): HostFileArg[] {
  const seen = new Map<string, HostFileArg>();
  for (const f of files) if (!seen.has(f.path)) seen.set(f.path, f);
  return [...seen.values()];
}

function render(from: string, created: string, version: string, lines: TemplateLine[], hostFiles: HostFileArg[]): string {
  const out = [
    '# guestctl template: replay with  guestctl interactive IMAGE < THIS_FILE  (check first with template-check)',
    `# from: ${oneLine(from)}`,
    `# created: ${created} by guestctl ${version}`,
  ];
  if (hostFiles.length === 0) out.push('# host files: none');
  else {
    out.push('# host files it reads (relative paths: from the directory guestctl runs in):');
    for (const f of hostFiles) out.push(`#   ${quote([f.path])} (${f.arg}${f.secret ? ', secret: keep it private' : ''})`);
  }
  out.push('');
  for (const l of lines) {
    for (const n of l.notes) out.push(`# note: ${oneLine(n)}`);
    out.push(l.line);
  }
  return out.join('\n') + '\n';
}

/** Header text from the guest (its name, hostname) must not end the comment line. */
function oneLine(text: string): string {
  return text.replace(/[\r\n]+/g, ' ');
}
