// Where guestctl's first-boot machinery lives in the guest. One place, so the runner, the boot
// hooks, the command and the tests agree.

export const FIRSTBOOT_DIR = '/var/lib/guestctl/firstboot';
/** Scripts still to run, named NNNN-name: the runner takes them in that (C-collated) order. */
export const PENDING_DIR = `${FIRSTBOOT_DIR}/scripts`;
/** Scripts that exited 0. */
export const DONE_DIR = `${FIRSTBOOT_DIR}/done`;
/** Scripts that exited non-zero: moved aside so that they never run again on a later boot. */
export const FAILED_DIR = `${FIRSTBOOT_DIR}/failed`;
export const RUNNER_PATH = '/usr/local/lib/guestctl/firstboot.sh';
export const LOG_PATH = '/var/log/guestctl-firstboot.log';

export const SYSTEMD_UNIT = 'guestctl-firstboot.service';
export const SYSTEMD_UNIT_PATH = `/etc/systemd/system/${SYSTEMD_UNIT}`;
export const SYSV_NAME = 'guestctl-firstboot';
export const SYSV_SCRIPT_PATH = `/etc/init.d/${SYSV_NAME}`;
export const OPENRC_LOCAL_PATH = '/etc/local.d/guestctl-firstboot.start';

export type ScriptState = 'pending' | 'done' | 'failed';
export const STATE_DIRS: Record<ScriptState, string> = { pending: PENDING_DIR, done: DONE_DIR, failed: FAILED_DIR };
