import { resolve } from 'node:path';
import type { Output } from '../../src/shell/output.js';
import type { Guest } from '../../src/guest/types.js';
import { defineCommand } from '../../src/shell/command.js';
import { DRY_RUN, dryRunOption } from '../../src/shell/dry-run.js';
import { escapeForTerminal, escapeLinesForTerminal } from '../../src/shell/escape.js';
import { CliError } from '../../src/util/errors.js';
import { buildTemplate } from './_shared/build-template.js';
import { checkTemplate, renderTemplateCheck, type TemplateCheckResult } from './_shared/check-template.js';
import { guestctlVersion } from './_shared/guestctl-version.js';
import { writeHostFile } from './_shared/write-host-file.js';

export interface TemplateSaveResult {
  file: string;
  written: boolean;
  from: string;
  commands: { seq: number; line: string; notes: string[] }[];
  hostFiles: { arg: string; path: string; secret: boolean }[];
  script: string;
}

export const templateSave = defineCommand({
  name: 'template-save',
  category: 'templates',
  summary: "Save this session's changes as a guestctl script that replays them on another guest",
  description:
    'Writes every mutating command of this session that succeeded (and was not undone), in order and as typed, to the HOST file FILE, a script for `guestctl interactive OTHER.qcow2 < FILE`. ' +
    'A header names the guest it came from, the date, the guestctl version and the host files the commands read (upload sources, --password-file, key files, firstboot scripts): the template refers to them and never copies them, so a password stays in its file; a secret given inline is refused. ' +
    'A command that may not replay the same way (run, package installs, a restore from a guest archive, a relative guest path) is written after a `# note:` line saying why. FILE is written atomically (mode 0600) and never replaced without --force. With --check, FILE is a template to check on this guest instead (see template-check).',
  examples: ['template-save /tmp/web.gcs', 'template-save ./web.gcs --force', 'template-save /tmp/web.gcs --dry-run', 'template-save --check /tmp/web.gcs'],
  positionals: [{ name: 'FILE', complete: 'host-path', description: 'the host file to write' }],
  options: {
    force: { type: 'boolean', description: 'replace FILE if it exists' },
    check: { type: 'boolean', description: 'write nothing: check the template FILE on this guest instead (as template-check)' },
    ...dryRunOption('print the script and write nothing'),
  },
  async run(ctx, args): Promise<TemplateSaveResult | TemplateCheckResult> {
    if (args.flag('check')) {
      if (args.flag('force')) throw new CliError('usage', 'template-save: --check writes nothing; --force does not apply');
      return checkTemplate(ctx, args.str('FILE'));
    }
    const file = resolve(args.str('FILE'));
    const records = ctx.session.journal?.records() ?? [];
    const t = buildTemplate(records, ctx.commands, { from: describeGuest(ctx.guest), created: new Date(), version: guestctlVersion() });
    if (t.lines.length === 0) throw new CliError('refused', 'template-save: this session has made no changes to save');
    const written = !args.flag(DRY_RUN);
    if (written) await writeHostFile(file, t.text, args.flag('force'));
    return {
      file,
      written,
      from: t.from,
      commands: t.lines.map((l) => ({ seq: l.seq, line: l.line, notes: l.notes })),
      hostFiles: t.hostFiles,
      script: t.text,
    };
  },
  render(r: TemplateSaveResult | TemplateCheckResult, out: Output) {
    if (!('written' in r)) return renderTemplateCheck(r, out);
    if (!r.written) {
      out.write(escapeLinesForTerminal(r.script));
      return;
    }
    const notes = r.commands.filter((c) => c.notes.length > 0).length;
    out.line(`wrote ${escapeForTerminal(r.file)}: ${r.commands.length} command(s)${notes ? `, ${notes} with a replay note` : ''}`);
    for (const f of r.hostFiles) out.line(`  needs host file ${escapeForTerminal(f.path)} (${f.arg})`);
  },
});

function describeGuest(guest: Guest): string {
  const facts = [guest.os.product ?? guest.os.distro, guest.os.hostname ? `hostname ${guest.os.hostname}` : null].filter((x): x is string => !!x);
  return `${guest.kind} ${guest.name}${facts.length ? ` (${facts.join(', ')})` : ''}`;
}
