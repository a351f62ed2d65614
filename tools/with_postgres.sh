#!/usr/bin/env bash
# Run a command against a throw-away PostgreSQL server: initdb in a temporary directory, start it on a
# free local port, create the test database, run the command with ONSPLAN_TEST_DATABASE_URL set, and stop
# and remove the server afterwards, whatever the command's outcome.
# PostgreSQL refuses to run as root; as root the server runs as the `postgres` user.
set -euo pipefail

pgbin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
if [ -z "$pgbin" ]; then
  echo "PostgreSQL is not installed (Debian package 'postgresql')." >&2
  exit 1
fi

as_owner=()
if [ "$(id -u)" -eq 0 ]; then
  as_owner=(runuser -u postgres --)
fi

workdir=$(mktemp -d /tmp/onsplan-pg.XXXXXX)
chmod 755 "$workdir"
[ "$(id -u)" -eq 0 ] && chown postgres: "$workdir"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')

stop() {
  "${as_owner[@]}" "$pgbin/pg_ctl" -D "$workdir/data" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$workdir"
}
trap stop EXIT

"${as_owner[@]}" "$pgbin/initdb" -D "$workdir/data" -U postgres -A trust -E UTF8 --no-sync >/dev/null
"${as_owner[@]}" "$pgbin/pg_ctl" -D "$workdir/data" -l "$workdir/server.log" -w -s \
  -o "-p $port -k $workdir -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
  start
"${as_owner[@]}" "$pgbin/createdb" -h 127.0.0.1 -p "$port" -U postgres onsplan_test
echo "PostgreSQL $("$pgbin/postgres" --version | awk '{print $3}') on 127.0.0.1:$port"

export ONSPLAN_TEST_DATABASE_URL="postgresql+asyncpg://postgres@127.0.0.1:$port/onsplan_test"
"$@"
