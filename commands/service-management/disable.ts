import { unitStateCommand } from './_shared/unit-state-command.js';

export const disable = unitStateCommand('disable', {
  summary: 'Disable systemd units in the guest (no longer started at boot), as systemctl disable does',
  description: "Runs the guest's own `systemctl disable` and lists the symlinks it removed. --now also stops the units.",
  examples: ['disable ssh', 'disable apt-daily.timer apt-daily-upgrade.timer', 'disable --now cron'],
});
