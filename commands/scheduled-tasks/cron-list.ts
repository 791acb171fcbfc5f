import type { Output } from '../../src/shell/output.js';
import { defineCommand } from '../../src/shell/command.js';
import { listCron, type CronEntry } from './_shared/list-cron.js';

export const cronList = defineCommand({
  name: 'cron-list',
  aliases: ['crontab-list', 'timers'],
  category: 'scheduled-tasks',
  summary: 'List scheduled jobs: /etc/crontab, /etc/cron.d, the periodic script dirs, user crontabs and systemd timers',
  description:
    'Reads the files only (nothing runs in the guest). Periodic scripts (/etc/cron.hourly ... monthly) that run-parts would skip are listed with why: ' +
    'on Debian and Ubuntu a name with a dot ("backup.sh") never runs. A user crontab that is a link or not a regular file is not read (cron ignores it). ' +
    'Timers come from /etc/systemd/system, /usr/local/lib/systemd/system, /usr/lib/systemd/system and /lib/systemd/system (the first of a name wins), ' +
    'enabled when linked in a .wants directory, with their OnCalendar/OnBootSec... settings and the unit they start.',
  examples: ['cron-list', 'cron-list --user alice'],
  options: { user: { type: 'string', valueName: 'USER', description: 'only the jobs that run as this user' } },
  needs: ['fs'],
  async run(ctx, args) {
    return { entries: await listCron(ctx.guest, args.optStr('user') ?? null) };
  },
  render(r: { entries: CronEntry[] }, out: Output) {
    if (r.entries.length === 0) {
      out.line('no scheduled jobs');
      return;
    }
    out.table(
      ['SOURCE', 'USER', 'SCHEDULE', 'COMMAND', 'FILE', 'NOTE'],
      r.entries.map((e) => [e.source, e.user, e.schedule, e.command, e.line === null ? e.file : `${e.file}:${e.line}`, e.note ?? (e.active ? '' : 'inactive')]),
    );
  },
});
