import { unitStateCommand } from './_shared/unit-state-command.js';

export const enable = unitStateCommand('enable', {
  summary: 'Enable systemd units in the guest (start them at boot), as systemctl enable does',
  description: "Runs the guest's own `systemctl enable` and lists the symlinks it created. --now also starts the units.",
  examples: ['enable ssh', 'enable nginx.service fstrim.timer', 'enable --now ssh'],
});
