#!/bin/sh
# radctl-hold-unanswered-logins PORT [--running]: adds the firewall rules with which the write
# bouncer holds a login to a primary that dies under it, to the network namespace it runs in.
# Needs NET_ADMIN there. Run by the entrypoint before PgBouncer starts; and by radctl, with
# --running, from a short-lived helper container that joins the namespace of a bouncer made by
# a radctl that did not add them (its clients stay connected). Adds nothing where they are.
#
# Why: after one failed login, PgBouncer 1.18 turns away every client that needs a server
# connection ("server login has been failing, try again later (server_login_retry)") until a
# login succeeds, and radctl's hold comes 0.02-0.3 s after a `docker kill`. A waiting login holds
# the clients instead (PgBouncer starts one login at a time) until radctl's hold closes it and
# the repoint serves them from the new primary. A dying primary fails a login two ways, both
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
port="$1"
if nft list table inet radctl_hold >/dev/null 2>&1; then
  echo "radctl: the rules that hold unanswered logins are in place already"
  exit 0
fi
if ! nft -f - <<RULES
table inet radctl_hold {
  chain input {
    type filter hook input priority filter; policy accept;
    tcp sport ${port} tcp flags & psh == psh ct mark < 6 \
      ct mark set ct mark map { 0 : 1, 1 : 2, 2 : 3, 3 : 4, 4 : 5, 5 : 6 }
    tcp sport ${port} tcp flags & rst == rst ct mark < 6 counter drop
    tcp sport ${port} tcp flags & (fin | psh) == fin ct mark < 6 counter drop
    udp sport 53 @th,88,8 & 0xf == { 2, 3 } counter drop
  }
}
RULES
then
  echo "radctl: could not add the firewall rules that hold logins to a dead primary" \
    "(needs NET_ADMIN and nf_tables); PgBouncer runs without them: after a killed primary," \
    "clients may get server_login_retry errors until radctl holds them" >&2
  exit 1
fi
if [ "${2:-}" = "--running" ]; then
  # The server connections PgBouncer has open logged in long ago; counted from 0 they would
  # look unanswered, and a reset under a client's statement would be held instead of failing
  # it. Marked answered (the rules are added first: a connection opened in between is marked
  # too, and so only goes without the hold, as before).
  conntrack -U -p tcp --orig-port-dst "$port" --mark 6 >/dev/null 2>&1 || true
fi
echo "radctl: the rules that hold unanswered logins are added"
