// The guest shell scripts db-create runs, one exec call each, the SQL on their stdin (see
// dump-scripts.ts for the offline server's life: it lives as long as its script, stopped on
// every way out). The servers and their start-up commands never read the script's stdin.

/** $1 bin dir, $2 config dir (pg_ctl -D), $3 data dir; stdin: the SQL. */
export const PG_CREATE_OFFLINE = `set -eu
bin=$1 confdir=$2 datadir=$3
sock=/run/guestctl-pg
mkdir -p "$sock" /run/postgresql
chown postgres "$sock" /run/postgresql
chmod 700 "$sock"
started=
stop() {
  if [ -n "$started" ]; then
    started=
    if ! runuser -u postgres -- "$bin/pg_ctl" -D "$confdir" -m fast -w stop </dev/null >"$sock/stop.out" 2>&1; then
      cat "$sock/stop.out" >&2
      return 1
    fi
  fi
}
trap stop EXIT
trap 'exit 130' INT TERM HUP
# No TCP listener, the socket in the jail's private /run, no statement ever logged.
opts="-c listen_addresses='' -k $sock -c external_pid_file='' -c dynamic_shared_memory_type=mmap -c log_min_error_statement=panic -c log_statement=none"
if ! runuser -u postgres -- "$bin/pg_ctl" -D "$confdir" -o "$opts" -w -t 120 -l "$sock/server.log" start </dev/null >"$sock/start.out" 2>&1; then
  cat "$sock/start.out" "$sock/server.log" >&2
  exit 1
fi
started=1
runuser -u postgres -- "$bin/psql" -h "$sock" -d postgres -X -q -tA -v ON_ERROR_STOP=1
stop
state=$("$bin/pg_controldata" "$datadir" | grep '^Database cluster state:')
case "$state" in
  *'shut down') echo "$state" ;;
  *) echo "after the stop, pg_controldata says: $state" >&2; exit 1 ;;
esac
`;

/** stdin: the SQL. */
export const PG_CREATE_LIVE = `set -eu
runuser -u postgres -- psql -d postgres -X -q -tA -v ON_ERROR_STOP=1
`;

/** $1 data dir; stdin: the SQL. */
export const MY_CREATE_OFFLINE = `set -eu
datadir=$1
sock=/run/guestctl-my
mkdir -p "$sock"
chown mysql "$sock"
if command -v mariadbd >/dev/null; then server=mariadbd; else server=mysqld; fi
if command -v mariadb >/dev/null; then client=mariadb admin=mariadb-admin; else client=mysql admin=mysqladmin; fi
pid=
stop() {
  if [ -n "$pid" ]; then
    "$admin" --socket="$sock/sock" shutdown </dev/null
    wait "$pid"
    pid=
  fi
}
trap stop EXIT
trap 'exit 130' INT TERM HUP
# No network, the socket in the jail's private /run, no general, slow or binary log; the
# grant tables are loaded by the SQL's FLUSH PRIVILEGES (the guest's root password is not needed).
"$server" --skip-networking --skip-grant-tables --skip-log-bin --general-log=0 --slow-query-log=0 --socket="$sock/sock" --pid-file="$sock/pid" --log-error="$sock/error.log" --datadir="$datadir" --user=mysql </dev/null 2>"$sock/server.err" &
pid=$!
tries=0
until "$admin" --socket="$sock/sock" ping </dev/null >"$sock/ping.out" 2>&1; do
  tries=$((tries + 1))
  if [ "$tries" -gt 120 ] || ! kill -0 "$pid"; then
    cat "$sock/server.err" "$sock/error.log" "$sock/ping.out" >&2
    echo "the server did not come up" >&2
    exit 1
  fi
  sleep 1
done
"$client" --socket="$sock/sock" --batch --skip-column-names
stop
echo "server shut down"
`;

/** stdin: the SQL. */
export const MY_CREATE_LIVE = `set -eu
if command -v mariadb >/dev/null; then client=mariadb; else client=mysql; fi
"$client" --batch --skip-column-names
`;
