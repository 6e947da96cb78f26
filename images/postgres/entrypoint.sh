#!/bin/sh
# Entrypoint of radctl/postgres. PID 1 is tini; this script decides one thing (safety rule 1):
# Postgres starts on its own only when the data directory is a standby's. A primary's data
# directory (a former primary after a crash, or the primary after a restart) stays fenced until
# the controller decides whether it is still the primary or must rejoin. An empty volume waits
# for the controller to initialise or clone it. The container keeps running either way, so the
# controller can always exec into it.
set -u

# First, make the host learn this container's link-layer address, with one UDP datagram to the
# gateway (the host records the sender of the ARP request that precedes it). Docker 20.10
# publishes the port (docker-proxy listens) before the container's network is up and announces
# nothing: a client that connects in that window makes the host ask for the address too early,
# and until the host asks again, up to 1 s later, every connection through the published port
# waits. Measured: a client polling the port from before the start got through after 1.05 s
# instead of 0.3 s. (The same as images/pgbouncer/entrypoint.sh.)
perl -MSocket -e '
  open(my $routes, "<", "/proc/net/route") or exit;
  while (<$routes>) {
    my (undef, $destination, $gateway) = split;
    next unless $destination eq "00000000";  # the default route
    socket(my $socket, PF_INET, SOCK_DGRAM, 0) or exit;
    send($socket, "", 0, sockaddr_in(9, pack("L", hex $gateway)));  # the discard port
    last;
  }' 2>/dev/null || true

# A stop request of an earlier run of this container is over.
STOP_REQUESTED=/var/run/postgresql/radctl-stop-requested
STOP_ANSWER=/var/run/postgresql/radctl-stop-answer
rm -f "$STOP_REQUESTED" "$STOP_ANSWER"

if [ -f "$PGDATA/standby.signal" ]; then
  echo "radctl-entrypoint: standby data directory: starting postgres"
  # -l /proc/1/fd/1 sends the server log to the container log without tying it to this shell.
  pg_ctl -D "$PGDATA" -l /proc/1/fd/1 start || echo "radctl-entrypoint: postgres did not start"
elif [ -f "$PGDATA/PG_VERSION" ]; then
  echo "radctl-entrypoint: primary data directory: fenced, waiting for the controller"
else
  echo "radctl-entrypoint: empty data directory: waiting for the controller"
fi

# docker stop, restart, compose stop and a host shutting down send SIGTERM (tini forwards it to
# this shell), and the engine kills the container after its stop timeout (radctl makes it 30 s).
# A running Postgres does not stop at once: a watching controller first moves what depends on
# it elsewhere (a switchover away from a primary, a standby out of the read endpoint), so that
# no client sees the refusals of a Postgres shutting down. The handshake, through two files
# outside the data directory (so that no clone or rewind copies them):
# - this script writes the time of the request to radctl-stop-requested (the controller's
#   probe reads it, or its look into the data directory when Postgres does not answer);
# - the controller answers in radctl-stop-answer: "wait" (it is moving things, and answers
#   again), then "go".
# Without any answer within STOP_ANSWER_WAIT_S (no controller watches) Postgres stops as before;
# after "wait", it stops at "go" or after STOP_GO_WAIT_S whatever happens (a controller that
# died meanwhile). Before the fast stop, the transactions running on it get STOP_DRAIN_S to end.
STOP_ANSWER_WAIT_S=3
STOP_GO_WAIT_S=20
STOP_DRAIN_S=5

now_ms() { date +%s%3N; }

wait_for_controller() {
  since=$(now_ms)
  while :; do
    answer=$(cat "$STOP_ANSWER" 2>/dev/null)
    waited=$(($(now_ms) - since))
    case "$answer" in
      go) echo "radctl-entrypoint: the controller let Postgres stop after ${waited} ms"; return ;;
      wait)
        if [ "$waited" -ge $((STOP_GO_WAIT_S * 1000)) ]; then
          echo "radctl-entrypoint: the controller asked to wait but did not answer go within ${STOP_GO_WAIT_S} s: stopping"
          return
        fi ;;
      *)
        if [ "$waited" -ge $((STOP_ANSWER_WAIT_S * 1000)) ]; then
          echo "radctl-entrypoint: no controller answered within ${STOP_ANSWER_WAIT_S} s: stopping"
          return
        fi ;;
    esac
    sleep 0.05
  done
}

# Transactions still running here (not the controller's own sessions, not replication) get a
# moment to end: a standby taken out of the read endpoint finishes the reads it serves.
drain() {
  since=$(now_ms)
  while [ $(($(now_ms) - since)) -lt $((STOP_DRAIN_S * 1000)) ]; do
    busy=$(psql -X -qtA -d postgres -c "SELECT count(*) FROM pg_stat_activity
      WHERE backend_type = 'client backend' AND pid <> pg_backend_pid() AND state <> 'idle'
        AND application_name NOT LIKE 'radctl%'" 2>/dev/null) || return
    [ "$busy" = 0 ] && return
    sleep 0.05
  done
}

on_stop() {
  if pg_ctl -D "$PGDATA" status >/dev/null 2>&1; then
    echo "radctl-entrypoint: asked to stop: waiting for the controller (if one watches)"
    date +%s.%N >"$STOP_REQUESTED.tmp" && mv "$STOP_REQUESTED.tmp" "$STOP_REQUESTED"
    wait_for_controller
    drain
    pg_ctl -D "$PGDATA" stop -m fast >/dev/null 2>&1
  fi
  exit 0
}
trap on_stop TERM INT
while :; do sleep 3600 & wait $!; done
