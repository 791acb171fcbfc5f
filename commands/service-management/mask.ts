import { unitStateCommand } from './_shared/unit-state-command.js';

export const mask = unitStateCommand('mask', {
  summary: 'Mask systemd units in the guest (they cannot be started at all), as systemctl mask does',
  description: "Runs the guest's own `systemctl mask`, which links each unit to /dev/null in /etc/systemd/system. --now also stops the units.",
  examples: ['mask debug-shell', 'mask --now apt-daily.timer'],
});
