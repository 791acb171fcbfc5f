import { promises as fsp } from 'node:fs';
import { resolve } from 'node:path';
import type { CommandContext } from '../../../src/shell/command.js';
import type { Output } from '../../../src/shell/output.js';
import { escapeForTerminal } from '../../../src/shell/escape.js';
import { CliError } from '../../../src/util/errors.js';
import { checkLine, type LineCheck } from './check-line.js';

// What template-check (and template-save --check) do: every line of a template file checked on
// this guest as it is now, and how that is shown.

const MAX_TEMPLATE = 1024 * 1024;

export interface TemplateCheckResult {
  file: string;
  lines: LineCheck[];
  failed: number;
}

export async function checkTemplate(ctx: CommandContext, typed: string): Promise<TemplateCheckResult> {
  const file = resolve(typed);
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
}

export function renderTemplateCheck(r: TemplateCheckResult, out: Output): void {
  for (const l of r.lines) {
    const what = l.status === 'fail' ? 'would fail' : l.status === 'unchecked' ? 'not checked' : l.status;
    out.line(`line ${l.line}: ${what}: ${escapeForTerminal(l.text)}`);
    if (l.reason) out.line(`    ${escapeForTerminal(l.reason)}`);
  }
  out.line(r.failed === 0 ? `${r.lines.length} line(s) checked, none would fail` : `${r.failed} of ${r.lines.length} line(s) would fail`);
}
