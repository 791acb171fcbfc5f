import type { Output } from '../../src/shell/output.js';
import { defineCommand } from '../../src/shell/command.js';
import { DRY_RUN, dryRunOption } from '../../src/shell/dry-run.js';
import { applyChanges, changed, diffOf, planChange } from '../../src/guest/file-changes.js';
import { escapePercent, normaliseSchedule, parseCrontab, scheduleError } from '../../src/parsers/crontab.js';
import { appendCronJob } from '../../src/editors/crontab.js';
import { CliError } from '../../src/util/errors.js';
import { cronTarget } from './_shared/cron-target.js';
import { renderCronChange, type CronChangeResult } from './_shared/render.js';

export const cronAdd = defineCommand({
  name: 'cron-add',
  aliases: ['crontab-add'],
  category: 'scheduled-tasks',
  summary: "Add a cron job to a user's crontab (default root's) or to an /etc/cron.d file",
  description:
    "Without --file the job goes into the user's crontab in the spool directory, as `crontab -e` as that user would leave it " +
    '(Debian/Ubuntu /var/spool/cron/crontabs/USER, USER:crontab 0600; Fedora/RHEL /var/spool/cron/USER, USER:root 0600); the user must exist in the guest. ' +
    '--file NAME writes /etc/cron.d/NAME (0644 root:root) with the user field (--user, default root); NAME must be letters, digits, _ and - (cron skips other names). ' +
    'The schedule is five fields (ranges, lists, steps, jan-dec, sun-sat) or @reboot/@yearly/@annually/@monthly/@weekly/@daily/@midnight/@hourly, quoted as one argument. ' +
    'The words after it are the command, joined by spaces; put -- before a command that has options. A % in the command is written as \\% (crontab(5) would end the command there). ' +
    'Adding a job that is already there changes nothing.',
  examples: ["cron-add '0 2 * * *' /usr/local/bin/backup.sh", "cron-add --user alice '*/15 9-17 * * mon-fri' /home/alice/bin/poll", "cron-add --file nightly @daily -- /usr/bin/rsync -a /srv /backup", "cron-add '30 4 * * sun' /usr/sbin/logrotate /etc/logrotate.conf --dry-run"],
  positionals: [
    { name: 'SCHEDULE', complete: 'none', description: "five fields as one argument ('0 2 * * *'), or @daily, @reboot..." },
    { name: 'COMMAND', complete: 'none', variadic: true, description: 'the command line' },
  ],
  options: {
    user: { type: 'string', valueName: 'USER', description: "the user's crontab (default root); with --file, the user the job runs as" },
    file: { type: 'string', valueName: 'NAME', description: 'write /etc/cron.d/NAME instead of a user crontab' },
    ...dryRunOption(),
  },
  needs: ['fs'],
  mutates: true,
  async run(ctx, args): Promise<CronChangeResult> {
    const raw = args.str('SCHEDULE');
    const bad = scheduleError(raw);
    if (bad) throw new CliError('usage', `schedule: ${bad}`);
    const typed = args.list('COMMAND').join(' ');
    if (typed.trim() === '') throw new CliError('usage', 'the command is empty');
    if (/[\r\n]/.test(typed)) throw new CliError('usage', 'the command has a line break; a crontab line is one line');
    const command = escapePercent(typed);
    if (command !== typed) ctx.out.note('each % in the command is written as \\% (in a crontab an unescaped % ends the command)');

    const target = await cronTarget(ctx.guest, { user: args.optStr('user') ?? null, file: args.optStr('file') ?? null });
    const schedule = normaliseSchedule(raw);
    const job = target.system ? `${schedule} ${target.user} ${command}` : `${schedule} ${command}`;
    const change = await planChange(
      ctx.guest,
      target.path,
      (text) => {
        const present = parseCrontab(text ?? '', target.system).some((l) => l.kind === 'job' && normaliseSchedule(l.schedule) === schedule && l.command === command && (l.user ?? target.user) === target.user);
        return present ? (text ?? '') : appendCronJob(text, job);
      },
      { mode: target.mode, uid: target.uid, gid: target.gid },
    );
    const result: CronChangeResult = { action: 'add', file: target.path, user: target.user, lines: [job], created: change.before === null, changed: changed(change), dryRun: args.flag(DRY_RUN), diff: diffOf([change]) };
    if (!result.changed) ctx.out.note(`${target.path} already has this job`);
    if (result.dryRun || !result.changed) return result;
    await applyChanges(ctx.guest, [change]);
    return result;
  },
  render: (r: CronChangeResult, out: Output) => renderCronChange(r, out),
});
