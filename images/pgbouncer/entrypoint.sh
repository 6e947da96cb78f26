#!/bin/sh
# radctl/pgbouncer's entrypoint: root only long enough to add firewall rules to this
# container's own network namespace, then PgBouncer as the pgbouncer user with no capabilities.
#
# RADCTL_HOLD_UNANSWERED_LOGINS=PORT (set by radctl on the write bouncer, which also grants it
# NET_ADMIN): PgBouncer's login to a primary that dies under it waits instead of failing. Why:
# after one failed login, PgBouncer 1.18 turns away every client that needs a server connection
# ("server login has been failing, try again later (server_login_retry)") until a login
# succeeds, and radctl's hold comes 0.02-0.3 s after a `docker kill`. A waiting login holds the
# clients instead (PgBouncer starts one login at a time) until radctl's hold closes it and the
# repoint serves them from the new primary. A dying primary fails a login two ways, both
# dropped here:
# - a reset or close from the node's PORT on a connection the node has not yet given its whole
#   login on: its connection refused, its queue of connections not yet accepted reset, a
#   backend killed before or during the login. The node's answers are counted per connection
#   (packets with PSH: Linux sets it on the last segment of every write); a TLS + SCRAM login
#   is 6 of them ('S', the HelloRetryRequest for Postgres's prime256v1, the server's handshake,
#   the SASL request, its challenge, the final flight ending in ReadyForQuery), so from the
#   6th answer on a reset or close passes: a server connection that breaks under a client's
#   statement still fails at once. (Without TLS a login is 4 answers: a new connection's close
#   is held for its first two replies too, until radctl's hold closes it.) A close that
#   carries data passes: the data is an answer, e.g. the error message with which Postgres
#   refuses a login (shutting down, starting up), a real refusal PgBouncer must see.
# - Docker's DNS answering that the node's name does not exist (NXDOMAIN, or SERVFAIL when the
#   name is unknown and no other resolver answers): Docker removes a container's name about
#   0.1 s after it dies, and PgBouncer resolves the name at every login (dns_max_ttl = 0). The
#   lookup then waits and retries, as the login does.
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
    tcp sport ${RADCTL_HOLD_UNANSWERED_LOGINS} tcp flags & psh == psh ct mark < 6 \
      ct mark set ct mark map { 0 : 1, 1 : 2, 2 : 3, 3 : 4, 4 : 5, 5 : 6 }
    tcp sport ${RADCTL_HOLD_UNANSWERED_LOGINS} tcp flags & rst == rst ct mark < 6 counter drop
    tcp sport ${RADCTL_HOLD_UNANSWERED_LOGINS} tcp flags & (fin | psh) == fin ct mark < 6 counter drop
    udp sport 53 @th,88,8 & 0xf == { 2, 3 } counter drop
  }
}
RULES
  then
    echo "radctl: could not add the firewall rules that hold logins to a dead primary" \
      "(needs NET_ADMIN and nf_tables); PgBouncer runs without them: after a killed primary," \
      "clients may get server_login_retry errors until radctl holds them" >&2
  fi
fi
exec setpriv --reuid=pgbouncer --regid=pgbouncer --init-groups --inh-caps=-all \
  --bounding-set=-all -- /usr/sbin/pgbouncer "$@"
