#!/bin/sh
# radctl/pgbouncer's entrypoint: root only long enough to add one firewall rule to this
# container's own network namespace, then PgBouncer as the pgbouncer user with no capabilities.
#
# RADCTL_HOLD_UNANSWERED_LOGINS=PORT (set by radctl on the write bouncer, which also grants it
# NET_ADMIN): a reset or close from a node's PORT on a connection the node never sent a byte on
# is dropped, so PgBouncer's login to a primary whose Postgres just died waits
# (server_connect_timeout) instead of failing. Why: after one failed login, PgBouncer 1.18
# turns away every client that needs a server connection ("server login has been failing, try
# again later (server_login_retry)") until a login succeeds, and a `docker kill`ed primary
# answers logins for ~0.1 s with resets (its connection refused, its queue of connections not
# yet accepted reset) or closes (a backend killed before it answered), before radctl can hold
# the clients. A waiting login holds them instead (PgBouncer starts one login at a time), until
# radctl's hold closes it and the repoint serves them from the new primary. Postgres answers
# every login it refuses with an error message, so only a dying node closes without a byte.
# "Sent a byte" is a packet with PSH (Linux sets it on the last segment of every write): its
# connection is marked, and a reset or close of a marked connection passes, so a server
# connection that breaks under a client's statement still fails at once.
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
  if ! nft -f - <<RULES
table inet radctl_hold {
  chain input {
    type filter hook input priority filter; policy accept;
    tcp sport ${RADCTL_HOLD_UNANSWERED_LOGINS} tcp flags & psh == psh ct mark set 1
    tcp sport ${RADCTL_HOLD_UNANSWERED_LOGINS} tcp flags & (rst | fin) != 0 ct mark != 1 counter drop
  }
}
RULES
  then
    echo "radctl: could not add the firewall rule that holds logins to a dead primary" \
      "(needs NET_ADMIN and nf_tables); PgBouncer runs without it: after a killed primary," \
      "clients may get server_login_retry errors until radctl holds them" >&2
  fi
fi
exec setpriv --reuid=pgbouncer --regid=pgbouncer --init-groups --inh-caps=-all \
  --bounding-set=-all -- /usr/sbin/pgbouncer "$@"
