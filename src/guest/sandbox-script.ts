// The fixed POSIX sh script that sets up the offline sandbox (see sandbox.ts).
//
// It runs as pid 1 of fresh mount/pid/uts/ipc(/net) namespaces created by `unshare`, with the
// host's /bin/sh and the host's tools (mount, ip, env, unshare). Everything variable reaches it
// as positional parameters only; no user or guest text is ever part of the script source.
//
//   $1 root      host path of the guest root (trusted: guestctl chose it)
//   $2 net       "1" to keep the host network, "0" for a private netns with only lo (brought up)
//   $3 hostname  sandbox hostname, or "" to keep the host's
//   $4 gpath     PATH used to look the program up inside the guest
//   $5 gcwd      guest directory to start in
//   $6 prog      argv[0], looked up through gpath inside the chroot before running
//   $7 unshare   absolute host path of unshare(1), used as a chroot+chdir+execvp helper
//   $8...        the final command: env -i NAME=VALUE... UNSHARE --root=ROOT --wd=CWD -- ARGV...
//
// Protocol with sandbox.ts on fd 3 (the guest program never gets fd 3), one line each:
//   "setup <step>: <message>"  a setup step failed (exit 125)
//   "nocwd"                    the guest directory does not exist (exit 125)
//   "notfound"                 argv[0] is not in the guest (exit 127)
//   "ready"                    setup done, the program is being started
//
// Mount points inside the guest (proc, dev, sys) are used only when they are real directories
// and not symlinks, so a hostile image cannot redirect a mount onto the host; when one is
// missing or a symlink the mount is skipped. Nothing is created or written inside the guest:
// the /dev content lives in a tmpfs of our own. All mounts live in the private mount namespace
// and disappear with it when pid 1 (this script) exits.
export const SANDBOX_SCRIPT = String.raw`set -u
root=$1 net=$2 hname=$3 gpath=$4 gcwd=$5 prog=$6 unshare=$7
shift 7
cd / || exit 125

report() { printf '%s\n' "$1" >&3; }
fail() {
  report "setup $1: $(printf '%s' "$2" | tr '\n' ' ')"
  exit 125
}
realdir() { [ -d "$1" ] && [ ! -L "$1" ]; }

if realdir "$root/proc"; then
  out=$(mount -t proc -o nosuid,nodev,noexec proc "$root/proc" 2>&1 </dev/null) || fail "mounting /proc" "$out"
fi

if realdir "$root/sys"; then
  out=$(mount -t sysfs -o ro,nosuid,nodev,noexec sysfs "$root/sys" 2>&1 </dev/null) || fail "mounting /sys" "$out"
fi

if realdir "$root/dev"; then
  d=$root/dev
  out=$(mount -t tmpfs -o mode=0755,nosuid,size=65536k guestctl-dev "$d" 2>&1 </dev/null) || fail "mounting /dev" "$out"
  for n in null zero full random urandom tty; do
    [ -c "/dev/$n" ] || continue
    out=$({ : >"$d/$n" && mount --bind "/dev/$n" "$d/$n"; } 2>&1 </dev/null) || fail "binding /dev/$n" "$out"
  done
  out=$({ mkdir -m 0755 "$d/pts" "$d/shm" &&
    mount -t devpts -o newinstance,ptmxmode=0666,mode=0620,gid=5,nosuid,noexec devpts "$d/pts" &&
    ln -s pts/ptmx "$d/ptmx"; } 2>&1 </dev/null) || fail "mounting /dev/pts" "$out"
  out=$(mount -t tmpfs -o mode=1777,nosuid,nodev shm "$d/shm" 2>&1 </dev/null) || fail "mounting /dev/shm" "$out"
  out=$({ ln -s /proc/self/fd "$d/fd" &&
    ln -s /proc/self/fd/0 "$d/stdin" &&
    ln -s /proc/self/fd/1 "$d/stdout" &&
    ln -s /proc/self/fd/2 "$d/stderr"; } 2>&1 </dev/null) || fail "populating /dev" "$out"
fi

if [ "$net" != 1 ]; then
  if command -v ip >/dev/null 2>&1; then
    out=$(ip link set lo up 2>&1 </dev/null) || fail "bringing up lo" "$out"
  elif [ -x /bin/busybox ]; then
    out=$(/bin/busybox ip link set lo up 2>&1 </dev/null) || fail "bringing up lo" "$out"
  else
    fail "bringing up lo" "neither ip (iproute2) nor /bin/busybox found on the host"
  fi
fi

if [ -n "$hname" ]; then
  out=$(printf '%s' "$hname" 2>&1 >/proc/sys/kernel/hostname) ||
    out=$(hostname -- "$hname" 2>&1 </dev/null) ||
    fail "setting the hostname" "$out"
fi

# Look argv[0] up the way execvp will, but inside the chroot, through the guest's own /bin/sh.
# Without a usable /bin/sh in the guest the answer is neither word and the program is just run.
res=$(env -i PATH="$gpath" "$unshare" --root="$root" -- /bin/sh -c '
  cd "$1" || { echo nocwd; exit 0; }
  case $2 in
    */*) if [ -e "$2" ] && [ ! -d "$2" ]; then echo found; else echo missing; fi; exit 0 ;;
  esac
  set -f; IFS=:
  for d in $PATH; do
    [ -n "$d" ] || d=.
    if [ -e "$d/$2" ] && [ ! -d "$d/$2" ]; then echo found; exit 0; fi
  done
  echo missing' sh "$gcwd" "$prog" </dev/null 2>/dev/null)
case $res in
  missing) report notfound; exit 127 ;;
  nocwd) report nocwd; exit 125 ;;
esac

report ready
# Not the last command of the script, so sh forks: the program is our child and we stay pid 1,
# wait for it and propagate its status (128+n when it was killed by signal n).
"$@" 3>&-
rc=$?
exit "$rc"
`;
