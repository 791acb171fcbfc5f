import { DONE_DIR, FAILED_DIR, LOG_PATH, PENDING_DIR } from './layout.js';

// The guest-side runner, as text. At boot it takes every script in PENDING_DIR in name order,
// moves it to FAILED_DIR *before* running it (a script that reboots the machine or is killed
// has run once and is not started again), runs it with its output appended to the log, moves it
// to DONE_DIR when it exits 0, and goes on with the next one either way. When none is left it
// runs `disable` (the boot hook's own off switch) and exits 1 when a script failed, so the
// failure shows (systemctl --failed), 0 otherwise.

export function runnerScript(disable: string): string {
  return `#!/bin/sh
# Written by guestctl (firstboot). Runs each script in ${PENDING_DIR} once, in name order,
# logs to ${LOG_PATH}, then disables its boot hook.
LC_ALL=C
PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
export LC_ALL PATH
log=${LOG_PATH}
stamp() { date -u +%Y-%m-%dT%H:%M:%SZ; }
say() { echo "$(stamp) guestctl-firstboot: $*" >>"$log"; }

mkdir -p ${DONE_DIR} ${FAILED_DIR} || exit 1
cd / || exit 1
failed=0
for script in ${PENDING_DIR}/*; do
  [ -f "$script" ] || continue
  name=\${script##*/}
  if ! mv -f "$script" ${FAILED_DIR}/"$name"; then
    say "cannot move $name out of ${PENDING_DIR}; stopping so that it does not run on every boot"
    exit 1
  fi
  say "running $name"
  ${FAILED_DIR}/"$name" </dev/null >>"$log" 2>&1
  status=$?
  if [ "$status" -ne 0 ]; then
    failed=1
    say "$name FAILED with exit status $status (kept in ${FAILED_DIR})"
  elif mv -f ${FAILED_DIR}/"$name" ${DONE_DIR}/"$name"; then
    say "$name exited with status 0 (moved to ${DONE_DIR})"
  else
    failed=1
    say "$name exited with status 0 but could not be moved to ${DONE_DIR}"
  fi
done
say "no script left: ${disable}"
if ! ${disable} >>"$log" 2>&1; then
  say "disabling the boot hook failed"
  exit 1
fi
exit $failed
`;
}
