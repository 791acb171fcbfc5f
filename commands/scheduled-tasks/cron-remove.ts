import type { Output } from '../../src/shell/output.js';
import { defineCommand } from '../../src/shell/command.js';
import { DRY_RUN, dryRunOption } from '../../src/shell/dry-run.js';
import { applyChanges, diffOf, readOptional, type FileChange } from '../../src/guest/file-changes.js';
import { parseCrontab } from '../../src/parsers/crontab.js';
import { removeCronLines } from '../../src/editors/crontab.js';
import { parseCount } from '../../src/util/option-values.js';
import { CliError } from '../../src/util/errors.js';
import { cronTarget } from './_shared/cron-target.js';
import { renderCronChange, type CronChangeResult } from './_shared/render.js';

export const cronRemove = defineCommand({
  name: 'cron-remove',
  aliases: ['crontab-remove'],
  category: 'scheduled-tasks',
  summary: "Remove cron jobs from a user's crontab (default root's) or an /etc/cron.d file",
  description:
    'Removes every job line that contains PATTERN (plain text, not a regular expression), or the job at --line N (the line number cron-list shows). ' +
    'Comments, environment settings and other jobs stay as they are; a file left without jobs is kept. Nothing matching is an error.',
  examples: ['cron-remove /usr/local/bin/backup.sh', 'cron-remove --user alice poll --dry-run', 'cron-remove --file nightly --line 3'],
  positionals: [{ name: 'PATTERN', optional: true, complete: 'none', description: 'text of the job lines to remove' }],
  options: {
    user: { type: 'string', valueName: 'USER', description: "the user's crontab (default root); with --file, only that user's jobs" },
    file: { type: 'string', valueName: 'NAME', description: 'the file /etc/cron.d/NAME' },
    line: { type: 'string', valueName: 'N', description: 'remove the job on this line of the file' },
    ...dryRunOption(),
  },
  needs: ['fs'],
  mutates: true,
  async run(ctx, args): Promise<CronChangeResult> {
    const pattern = args.optStr('PATTERN') ?? null;
    const lineArg = args.optStr('line') ?? null;
    if ((pattern === null) === (lineArg === null)) throw new CliError('usage', 'give either a PATTERN or --line N');
    const lineNo = lineArg === null ? null : parseCount(lineArg, 1, '--line');
    const file = args.optStr('file') ?? null;
    const target = await cronTarget(ctx.guest, { user: args.optStr('user') ?? null, file });
    const before = await readOptional(ctx.guest, target.path);
    if (before === null) throw new CliError('failed', `${target.path} does not exist`);
    const onlyUser = file !== null && args.optStr('user') !== undefined ? target.user : null;
    const jobs = parseCrontab(before, target.system).filter((l) => l.kind === 'job' || l.kind === 'invalid');
    const gone = jobs.filter((l) => (lineNo !== null ? l.line === lineNo : l.text.includes(pattern!)) && (onlyUser === null || (l.kind === 'job' && l.user === onlyUser)));
    if (gone.length === 0) throw new CliError('failed', lineNo !== null ? `line ${lineNo} of ${target.path} is not a job` : `no job line in ${target.path} contains '${pattern}'`);
    const change: FileChange = { path: target.path, before, after: removeCronLines(before, gone.map((l) => l.line)) };
    const result: CronChangeResult = { action: 'remove', file: target.path, user: target.user, lines: gone.map((l) => l.text), created: false, changed: true, dryRun: args.flag(DRY_RUN), diff: diffOf([change]) };
    if (!result.dryRun) await applyChanges(ctx.guest, [change]);
    return result;
  },
  render: (r: CronChangeResult, out: Output) => renderCronChange(r, out),
});
