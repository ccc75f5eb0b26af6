#!/usr/bin/env bash
# tests/support/start-postgres.sh — starts a throwaway PostgreSQL cluster for the receiver tests and
# prints its libpq connection string (the only line on standard output).
#
#   export FIELDKIOSK_TEST_PG="$(bash tests/support/start-postgres.sh)"
#   ctest --test-dir build/dev -R 'Loopback|sync'
#   bash tests/support/start-postgres.sh --stop "$FIELDKIOSK_TEST_PG_DIR"   # or just let the machine go
#
# The cluster lives in a fresh temp folder, listens on 127.0.0.1 only, on a free port, with trust
# authentication for local connections (it holds nothing but test data). PostgreSQL refuses to run as
# root, so when run as root it runs the server as the `postgres` user (created by Debian's package).
# The folder is printed on standard error as FIELDKIOSK_TEST_PG_DIR=... for --stop.
set -euo pipefail

if [ "${1:-}" = "--stop" ]; then
  dir="${2:?usage: start-postgres.sh --stop DIR}"
  as_owner() { if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
  bin="$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)"
  as_owner "$bin/pg_ctl" -D "$dir/data" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$dir"
  exit 0
fi

bin="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1 || true)"
if [ -z "$bin" ] || [ ! -x "$bin/initdb" ]; then
  echo "start-postgres: PostgreSQL server binaries not found (install the 'postgresql' package: installer/setup-deps.sh)" >&2
  exit 1
fi

dir="$(mktemp -d /tmp/fieldkiosk-pg.XXXXXX)"
if [ "$(id -u)" -eq 0 ]; then
  id postgres >/dev/null 2>&1 || useradd --system --home-dir /nonexistent --shell /usr/sbin/nologin postgres
  chown postgres: "$dir"
  chmod 700 "$dir"
  as_owner() { runuser -u postgres -- "$@"; }
else
  as_owner() { "$@"; }
fi

# A free port: ask the kernel for one, then hand it to PostgreSQL (a tiny race, fine for tests).
port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')"

as_owner "$bin/initdb" -D "$dir/data" -U fieldkiosk --auth=trust --encoding=UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 || {
  cat "$dir/initdb.log" >&2
  exit 1
}
as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
  -o "-c listen_addresses=127.0.0.1 -c port=$port -c unix_socket_directories=$dir -c fsync=on -c max_connections=200" \
  start >/dev/null || {
  cat "$dir/server.log" >&2
  exit 1
}
as_owner "$bin/createdb" -h 127.0.0.1 -p "$port" -U fieldkiosk fieldkiosk_test

echo "FIELDKIOSK_TEST_PG_DIR=$dir" >&2
echo "postgresql://fieldkiosk@127.0.0.1:$port/fieldkiosk_test"
