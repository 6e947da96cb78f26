#!/bin/sh
# radctl/pgbouncer's entrypoint: root only long enough to add firewall rules to this
# container's own network namespace, then PgBouncer as the pgbouncer user with no capabilities.
#
# RADCTL_HOLD_UNANSWERED_LOGINS=PORT (set by radctl on the write bouncer, which also grants it
# NET_ADMIN): PgBouncer's login to a primary that dies under it waits instead of failing
# (hold-unanswered-logins.sh says how and why).
set -u
# First, make the host learn this container's link-layer address, with one UDP datagram to the
# gateway (the host records the sender of the ARP request that precedes it). Docker 20.10
# publishes the port (docker-proxy listens) before the container's network is up and announces
# nothing: a client that connects in that window makes the host ask for the address too early,
# and until the host asks again, up to 1 s later, every connection through the published port
# waits. Measured: a client polling the port from before the start got through after 1.05 s
# instead of 0.3 s. (The same as images/postgres/entrypoint.sh.)
perl -MSocket -e '
  open(my $routes, "<", "/proc/net/route") or exit;
  while (<$routes>) {
    my (undef, $destination, $gateway) = split;
    next unless $destination eq "00000000";  # the default route
    socket(my $socket, PF_INET, SOCK_DGRAM, 0) or exit;
    send($socket, "", 0, sockaddr_in(9, pack("L", hex $gateway)));  # the discard port
    last;
  }' 2>/dev/null || true
if [ -n "${RADCTL_HOLD_UNANSWERED_LOGINS:-}" ]; then
  /usr/local/bin/radctl-hold-unanswered-logins "$RADCTL_HOLD_UNANSWERED_LOGINS" || true
fi
exec setpriv --reuid=pgbouncer --regid=pgbouncer --init-groups --inh-caps=-all \
  --bounding-set=-all -- /usr/sbin/pgbouncer "$@"
