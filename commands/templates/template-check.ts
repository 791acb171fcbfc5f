import { defineCommand } from '../../src/shell/command.js';
import { checkTemplate, renderTemplateCheck, type TemplateCheckResult } from './_shared/check-template.js';

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
    'Exit status 1 when any line would fail. `template-save --check FILE` is the same.',
  examples: ['template-check /tmp/web.gcs'],
  positionals: [{ name: 'FILE', complete: 'host-path', hostPath: true, description: 'the host file holding the template' }],
  run(ctx, args): Promise<TemplateCheckResult> {
    return checkTemplate(ctx, args.str('FILE'));
  },
  render: renderTemplateCheck,
});
