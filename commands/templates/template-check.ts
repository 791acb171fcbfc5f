import { promises as fsp } from 'node:fs';
import { resolve } from 'node:path';
import type { Output } from '../../src/shell/output.js';
import { defineCommand } from '../../src/shell/command.js';
import { escapeForTerminal } from '../../src/shell/escape.js';
import { CliError } from '../../src/util/errors.js';
import { checkLine, type LineCheck } from './_shared/check-line.js';

const MAX_TEMPLATE = 1024 * 1024;

export interface TemplateCheckResult {
  file: string;
  lines: LineCheck[];
  failed: number;
}

export const templateCheck = defineCommand({
  name: 'template-check',
  category: 'templates',
  summary: 'Check a template on this guest: every line parsed, its host files looked for, each change tried with --dry-run',
  description:
    'Reads the HOST file FILE (a script from template-save, or any guestctl script) and checks each command line on this guest as it is ' +
    'now: an unknown command or bad options fail the line with the parser\'s message; a line that changes the guest fails when a host ' +
    'file it names is missing, else it runs with --dry-run and fails with the error a replay would hit. Nothing is written to the guest. ' +
    'Lines run independently: a line that depends on an earlier one (ssh-addkey for a user an earlier adduser creates) is checked ' +
    'against the guest without that change. A command without --dry-run is reported as not checked; a read-only command is skipped. ' +
    'Exit status 1 when any line would fail.',
  examples: ['template-check /tmp/web.gcs'],
  positionals: [{ name: 'FILE', complete: 'host-path', hostPath: true, description: 'the host file holding the template' }],
  async run(ctx, args): Promise<TemplateCheckResult> {
    const file = resolve(args.str('FILE'));
    const st = await fsp.stat(file).catch((err: Error) => {
      throw new CliError('not-found', `template-check: reading ${file}: ${err.message}`);
    });
    if (!st.isFile()) throw new CliError('usage', `template-check: ${file} is not a regular file`);
    if (st.size > MAX_TEMPLATE) throw new CliError('refused', `template-check: ${file} is ${st.size} bytes, more than a template (1 MiB)`);
    const text = await fsp.readFile(file, 'utf8');
    const lines: LineCheck[] = [];
    for (const [i, raw] of text.split('\n').entries()) {
      const line = raw.trim();
      if (!line || line.startsWith('#')) continue;
      lines.push(await checkLine(ctx, i + 1, line));
    }
    const failed = lines.filter((l) => l.status === 'fail').length;
    if (failed > 0) ctx.setExitCode(1);
    return { file, lines, failed };
  },
  render(r: TemplateCheckResult, out: Output) {
    for (const l of r.lines) {
      const what = l.status === 'fail' ? 'would fail' : l.status === 'unchecked' ? 'not checked' : l.status;
      out.line(`line ${l.line}: ${what}: ${escapeForTerminal(l.text)}`);
      if (l.reason) out.line(`    ${escapeForTerminal(l.reason)}`);
    }
    out.line(r.failed === 0 ? `${r.lines.length} line(s) checked, none would fail` : `${r.failed} of ${r.lines.length} line(s) would fail`);
  },
});
