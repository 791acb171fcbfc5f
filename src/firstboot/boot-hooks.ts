import { OPENRC_LOCAL_PATH, PENDING_DIR, RUNNER_PATH, SYSTEMD_UNIT, SYSTEMD_UNIT_PATH, SYSV_NAME, SYSV_SCRIPT_PATH } from './layout.js';

// What starts the runner at boot, per init system: the file guestctl writes, the guest command
// that enables it (run once, by guestctl) and the one that disables it (run by the runner when
// no script is left).

export type BootHookKind = 'systemd' | 'sysv-update-rc.d' | 'sysv-chkconfig' | 'openrc';

export interface BootHook {
  kind: BootHookKind;
  path: string;
  text: string;
  /** The guest argv that enables the hook; null when writing the file is enough. */
  enable: string[] | null;
  /** The shell line the runner ends with (constant text, no user data). */
  disable: string;
}

// network-online: scripts typically fetch or install something. No Before= on getty or a display
// manager: a long script must not hold the console hostage; its output is in the log.
const SYSTEMD_TEXT = `[Unit]
Description=guestctl first-boot scripts (runs once)
Wants=network-online.target
After=network-online.target
ConditionDirectoryNotEmpty=${PENDING_DIR}

[Service]
Type=oneshot
ExecStart=${RUNNER_PATH}
TimeoutStartSec=infinity
StandardOutput=journal

[Install]
WantedBy=multi-user.target
`;

const SYSV_TEXT = `#!/bin/sh
### BEGIN INIT INFO
# Provides:          ${SYSV_NAME}
# Required-Start:    $all
# Required-Stop:
# Default-Start:     2 3 4 5
# Default-Stop:
# Short-Description: guestctl first-boot scripts (runs once)
### END INIT INFO
# chkconfig: 2345 99 01
# description: guestctl first-boot scripts (runs once)

case "$1" in
  start) exec ${RUNNER_PATH} ;;
  # A one-shot leaves nothing running: stopping it is done (LSB: success), and its status is
  # "not running" (LSB: 3), never 0, which would claim a running service.
  stop) exit 0 ;;
  status) exit 3 ;;
  *) echo "usage: $0 start" >&2; exit 3 ;;
esac
`;

// local.d scripts run from OpenRC's `local` service, after the other services of the runlevel.
const OPENRC_TEXT = `#!/bin/sh
exec ${RUNNER_PATH}
`;

export function bootHook(kind: BootHookKind): BootHook {
  switch (kind) {
    case 'systemd':
      return { kind, path: SYSTEMD_UNIT_PATH, text: SYSTEMD_TEXT, enable: ['systemctl', 'enable', SYSTEMD_UNIT], disable: `systemctl disable ${SYSTEMD_UNIT}` };
    case 'sysv-update-rc.d':
      return { kind, path: SYSV_SCRIPT_PATH, text: SYSV_TEXT, enable: ['update-rc.d', SYSV_NAME, 'defaults'], disable: `update-rc.d -f ${SYSV_NAME} remove` };
    case 'sysv-chkconfig':
      return { kind, path: SYSV_SCRIPT_PATH, text: SYSV_TEXT, enable: ['chkconfig', '--add', SYSV_NAME], disable: `chkconfig --del ${SYSV_NAME}` };
    case 'openrc':
      return { kind, path: OPENRC_LOCAL_PATH, text: OPENRC_TEXT, enable: null, disable: `rm -f ${OPENRC_LOCAL_PATH}` };
  }
}
