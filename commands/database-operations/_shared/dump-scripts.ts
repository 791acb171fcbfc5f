// The guest shell scripts db-backup runs, one exec call each: the jail ends its pid namespace
// when the call returns, so a server started offline lives exactly as long as its script. Each
// script stops the server it started on every way out (the EXIT trap), and fails on the first
// failed step (set -e). Arguments come as "$1"...; the dump goes to "$out", in a directory
// guestctl made for it.

/** $1 bin dir, $2 config dir (pg_ctl -D), $3 data dir, $4 database, $5 output file. */
export const PG_OFFLINE = `set -eu
bin=$1 confdir=$2 datadir=$3 db=$4 out=$5
sock=/run/guestctl-pg
mkdir -p "$sock" /run/postgresql
chown postgres "$sock" /run/postgresql "$(dirname "$out")"
chmod 700 "$sock"
started=
stop() {
  if [ -n "$started" ]; then
    started=
    if ! runuser -u postgres -- "$bin/pg_ctl" -D "$confdir" -m fast -w stop >"$sock/stop.out" 2>&1; then
      cat "$sock/stop.out" >&2
      return 1
    fi
  fi
}
trap stop EXIT
trap 'exit 130' INT TERM HUP
# No TCP listener, the socket in the jail's private /run, no external pid file in the guest's
# /run, and dynamic shared memory in the data directory: the jail's /dev/shm is not writable.
opts="-c listen_addresses='' -k $sock -c external_pid_file='' -c dynamic_shared_memory_type=mmap"
if ! runuser -u postgres -- "$bin/pg_ctl" -D "$confdir" -o "$opts" -w -t 120 -l "$sock/server.log" start >"$sock/start.out" 2>&1; then
  cat "$sock/start.out" "$sock/server.log" >&2
  exit 1
fi
started=1
runuser -u postgres -- "$bin/pg_dump" -h "$sock" -Fc -f "$out" "$db"
stop
runuser -u postgres -- "$bin/pg_restore" --list "$out" >/dev/null
state=$("$bin/pg_controldata" "$datadir" | grep '^Database cluster state:')
case "$state" in
  *'shut down') echo "$state" ;;
  *) echo "after the stop, pg_controldata says: $state" >&2; exit 1 ;;
esac
`;

/** $1 database, $2 output file. */
export const PG_LIVE = `set -eu
db=$1 out=$2
chown postgres "$(dirname "$out")"
runuser -u postgres -- pg_dump -Fc -f "$out" "$db"
runuser -u postgres -- pg_restore --list "$out" >/dev/null
`;

const MY_TOOLS = `if command -v mariadb-dump >/dev/null; then dump=mariadb-dump admin=mariadb-admin; else dump=mysqldump admin=mysqladmin; fi
`;

const MY_CHECK = `tail -n 1 "$out" | grep -q '^-- Dump completed' || { echo "the dump has no '-- Dump completed' trailer" >&2; exit 1; }
`;

/** $1 database, $2 output file, $3 data dir. */
export const MY_OFFLINE = `set -eu
db=$1 out=$2 datadir=$3
sock=/run/guestctl-my
mkdir -p "$sock"
chown mysql "$sock"
if command -v mariadbd >/dev/null; then server=mariadbd; else server=mysqld; fi
${MY_TOOLS}pid=
stop() {
  if [ -n "$pid" ]; then
    "$admin" --socket="$sock/sock" shutdown
    wait "$pid"
    pid=
  fi
}
trap stop EXIT
trap 'exit 130' INT TERM HUP
# No network, the socket in the jail's private /run, no grant checks (only root in the jail
# can reach the socket): the dump does not depend on the guest's passwords.
"$server" --skip-networking --skip-grant-tables --socket="$sock/sock" --pid-file="$sock/pid" --log-error="$sock/error.log" --datadir="$datadir" --user=mysql &
pid=$!
tries=0
until "$admin" --socket="$sock/sock" ping >"$sock/ping.out" 2>&1; do
  tries=$((tries + 1))
  if [ "$tries" -gt 120 ] || ! kill -0 "$pid"; then
    cat "$sock/error.log" "$sock/ping.out" >&2
    echo "the server did not come up" >&2
    exit 1
  fi
  sleep 1
done
"$dump" --socket="$sock/sock" --single-transaction --routines --events --triggers --databases "$db" >"$out"
stop
${MY_CHECK}`;

/** $1 database, $2 output file. */
export const MY_LIVE = `set -eu
db=$1 out=$2
${MY_TOOLS}"$dump" --single-transaction --routines --events --triggers --databases "$db" >"$out"
${MY_CHECK}`;

/** $1 database file, $2 output file. */
export const SQLITE_BACKUP = `set -eu
db=$1 out=$2
sqlite3 "$db" ".backup '$out'"
test "$(sqlite3 "$out" 'PRAGMA integrity_check;')" = ok
`;
