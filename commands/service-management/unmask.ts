import { unitStateCommand } from './_shared/unit-state-command.js';

export const unmask = unitStateCommand('unmask', {
  summary: 'Unmask systemd units in the guest, as systemctl unmask does',
  description: "Runs the guest's own `systemctl unmask`, which removes the /dev/null links mask made; the unit's enablement is what it was before.",
  examples: ['unmask debug-shell', 'unmask hwclock.service'],
});
