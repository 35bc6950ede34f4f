#!/usr/bin/env bash
# Starts a throw-away PostgreSQL 15 for tests: initdb into a new temporary directory, listening on a free
# 127.0.0.1 port (trust auth, no fsync: test data only). Prints two lines to eval:
#   TAKEAWAY_TEST_DATABASE_URL=postgres://postgres@127.0.0.1:PORT/postgres
#   TAKEAWAY_TEST_PGDATA=DIR
# Stop it with `scripts/start-postgres.sh stop DIR` (also removes DIR). Run as root (CI), initdb and the server
# run as the `postgres` user, which PostgreSQL requires; as any other user they run as that user.
set -euo pipefail
PG_BIN="${PG_BIN:-/usr/lib/postgresql/15/bin}"

as_owner() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

if [ "${1:-}" = stop ]; then
  dir="${2:?usage: start-postgres.sh stop DIR}"
  as_owner "$PG_BIN/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null 2>&1 || true
  rm -rf "$dir"
  exit 0
fi

if [ ! -x "$PG_BIN/initdb" ]; then
  echo "start-postgres.sh: no PostgreSQL 15 at $PG_BIN (apt-get install postgresql-15, or set PG_BIN)" >&2
  exit 1
fi

dir="$(mktemp -d "${TMPDIR:-/tmp}/takeaway-pg.XXXXXX")"
chmod 755 "$dir"
if [ "$(id -u)" = 0 ]; then chown postgres: "$dir"; fi
as_owner "$PG_BIN/initdb" -D "$dir/data" -A trust -U postgres --no-sync >"$dir/initdb.log" 2>&1 || {
  cat "$dir/initdb.log" >&2; echo "start-postgres.sh: initdb failed (log above)" >&2; exit 1;
}

free_port() {
  node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'
}

# A free port can be taken between the probe and the bind: try a few.
for attempt in 1 2 3 4 5; do
  port="$(free_port)"
  if as_owner "$PG_BIN/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 30 \
      -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" \
      start >/dev/null; then
    echo "TAKEAWAY_TEST_DATABASE_URL=postgres://postgres@127.0.0.1:$port/postgres"
    echo "TAKEAWAY_TEST_PGDATA=$dir"
    exit 0
  fi
done
cat "$dir/server.log" >&2
echo "start-postgres.sh: PostgreSQL did not start (server log above)" >&2
exit 1
