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

if [ -f "$PGDATA/standby.signal" ]; then
  echo "radctl-entrypoint: standby data directory: starting postgres"
  # -l /proc/1/fd/1 sends the server log to the container log without tying it to this shell.
  pg_ctl -D "$PGDATA" -l /proc/1/fd/1 start || echo "radctl-entrypoint: postgres did not start"
elif [ -f "$PGDATA/PG_VERSION" ]; then
  echo "radctl-entrypoint: primary data directory: fenced, waiting for the controller"
else
  echo "radctl-entrypoint: empty data directory: waiting for the controller"
fi

# Stop Postgres cleanly on docker stop; tini forwards SIGTERM to this shell.
trap 'pg_ctl -D "$PGDATA" stop -m fast >/dev/null 2>&1; exit 0' TERM INT
while :; do sleep 3600 & wait $!; done
