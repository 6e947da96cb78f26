#!/bin/sh
# A stand-in for your application: one row every 100 ms through the bouncer, each on a fresh
# connection (like a short-lived client). Prints "ack ID" for every write Postgres acknowledged
# and "fail REASON" for every one it did not, so a failover's effect can be read in its log.
# Compose starts it once the cluster is ready; the password is the Compose secret.
PGPASSWORD="$(cat /run/secrets/shop_password)"
export PGPASSWORD
cd /tmp
until psql -qAtc "CREATE TABLE IF NOT EXISTS app_writes (id bigserial PRIMARY KEY,
                  at timestamptz NOT NULL DEFAULT now())" >/dev/null 2>/tmp/error; do
  echo "fail $(tr '\n' ' ' </tmp/error)"
  sleep 0.5
done
echo "ready"
while :; do
  if id=$(psql -qAtc "INSERT INTO app_writes DEFAULT VALUES RETURNING id" 2>/tmp/error); then
    echo "ack $id"
  else
    echo "fail $(tr '\n' ' ' </tmp/error)"
  fi
  sleep 0.1
done
