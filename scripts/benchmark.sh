#!/usr/bin/env bash
# Benchmark: starts the private test servers and a Cloner (Release build, embedded store),
# then creates and deletes the sample clone bench1 ten times through the HTTP API and prints
# the median, min and max milliseconds of create and of delete, and checks nothing is left.
#   scripts/benchmark.sh [ROUNDS]      (default 10)
set -euo pipefail
cd "$(dirname "$0")/.."
root="$PWD"
rounds="${1:-10}"
clone=bench1

work="$(mktemp -d /tmp/cloner-benchmark.XXXXXX)"
cloner_pid=""
cleanup() {
  if [[ -n "$cloner_pid" ]] && kill -0 "$cloner_pid" 2>/dev/null; then
    kill -TERM "$cloner_pid"
    wait "$cloner_pid" || true
  fi
  bash scripts/test-servers.sh stop "$work/servers" || true
  rm -rf "$work"
}
trap cleanup EXIT

dotnet build Cloner.Web/Cloner.Web.csproj -c Release -warnaserror -v quiet -nologo >/dev/null
bash scripts/test-servers.sh start "$work/servers"
# shellcheck disable=SC1091
source "$work/servers/env"

port="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])')"
base="http://127.0.0.1:$port/ego1/cloner"
password="Bench1!$(head -c 12 /dev/urandom | base64 | tr -dc 'A-Za-z0-9')"
mkdir -p "$work/cloner"
(
  cd "$work/cloner"
  export ASPNETCORE_ENVIRONMENT=Production
  export Cloner__DataDir="$work/cloner/data" Cloner__ClonesRoot="$work/cloner/bots"
  export Cloner__BlueprintsDir="$root/samples/blueprints"
  export Cloner__Admin__UserName=admin Cloner__Admin__Password="$password"
  export Cloner__StopComponentsOnShutdown=true
  export ConnectionStrings__MySqlAdmin="$CLONER_TEST_MYSQL_ADMIN"
  export Cloner__MySql__ClientHost="$CLONER_TEST_MYSQL_CLIENT_HOST"
  export Cloner__Nginx__VhostsDir="$CLONER_TEST_NGINX_VHOSTS"
  export Cloner__Nginx__TestCommand="$CLONER_TEST_NGINX_TEST_COMMAND"
  export Cloner__Nginx__ReloadCommand="$CLONER_TEST_NGINX_RELOAD_COMMAND"
  exec dotnet "$root/Cloner.Web/bin/Release/net10.0/Cloner.Web.dll" \
    --urls "http://127.0.0.1:$port" --contentRoot "$root/Cloner.Web" >"$work/cloner.log" 2>&1
) &
cloner_pid=$!

for _ in $(seq 1 300); do
  curl -fsS -o /dev/null "$base/healthz" 2>/dev/null && break
  if ! kill -0 "$cloner_pid" 2>/dev/null; then
    cat "$work/cloner.log" >&2
    echo "benchmark: Cloner exited before it answered" >&2
    exit 1
  fi
  sleep 0.2
done
curl -fsS -o /dev/null "$base/healthz" || { tail -50 "$work/cloner.log" >&2; exit 1; }

jar="$work/cookies"
curl -fsS -o /dev/null -c "$jar" -H 'Content-Type: application/json' \
  -d "{\"userName\":\"admin\",\"password\":\"$password\"}" "$base/api/session"

body='{"blueprint": "ego1", "name": "'"$clone"'",
  "inputs": {"token": "bench-token-0123456789", "session_id": "bench"}}'
now_ms() { date +%s%3N; }
expect() {
  if [[ "$1" != "$2" ]]; then
    echo "benchmark: $3 answered $1, not $2: $(cat "$4")" >&2
    tail -40 "$work/cloner.log" >&2
    exit 1
  fi
}
creates=()
deletes=()
for i in $(seq 1 "$rounds"); do
  t0=$(now_ms)
  status=$(curl -sS -o "$work/create.json" -w '%{http_code}' -b "$jar" \
    -H 'Content-Type: application/json' -d "$body" "$base/api/clones")
  t1=$(now_ms)
  expect "$status" 201 "create $i" "$work/create.json"
  status=$(curl -sS -o "$work/delete.json" -w '%{http_code}' -b "$jar" -X DELETE \
    "$base/api/clones/$clone")
  t2=$(now_ms)
  expect "$status" 204 "delete $i" "$work/delete.json"
  creates+=($((t1 - t0)))
  deletes+=($((t2 - t1)))
  echo "round $i: create $((t1 - t0)) ms, delete $((t2 - t1)) ms"
done

stats() {
  printf '%s\n' "$@" | sort -n | awk '{ v[NR] = $1 } END {
    m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
    printf "median %d ms, min %d ms, max %d ms (%d rounds)\n", m, v[1], v[NR], NR }'
}
echo "create: $(stats "${creates[@]}")"
echo "delete: $(stats "${deletes[@]}")"

# Nothing left: the API, the folder, the vhost, the database and user, the processes.
{ read -r db_user; read -r db_password; } < <(python3 - "$CLONER_TEST_MYSQL_ADMIN" <<'PY'
import sys
parts = dict(p.split("=", 1) for p in sys.argv[1].split(";") if "=" in p)
low = {k.strip().lower(): v for k, v in parts.items()}
print(low.get("user id") or low.get("uid") or low.get("user") or low.get("username") or "root")
print(low.get("password") or low.get("pwd") or "")
PY
)
sql() {
  MYSQL_PWD="$db_password" mariadb --no-defaults --protocol=TCP -h "$CLONER_TEST_MYSQL_HOST" \
    -P "$CLONER_TEST_MYSQL_PORT" -u "$db_user" -N -B -e "$1"
}
clone_processes() {
  local environ
  for environ in /proc/[0-9]*/environ; do
    if grep -qsz "^CLONER_CLONE=$clone\$" "$environ"; then
      echo "${environ%/environ} $(tr '\0' ' ' <"${environ%/environ}/cmdline" 2>/dev/null)"
    fi
  done
  return 0
}

left=0
check() {
  if [[ "$2" == "$3" ]]; then
    echo "left: ok   $1"
  else
    echo "left: FAIL $1 (saw '$2')"
    left=1
  fi
}
check "GET api/clones/$clone answers 404" \
  "$(curl -s -o /dev/null -w '%{http_code}' -b "$jar" "$base/api/clones/$clone")" 404
check "no folder bots/$clone" "$(ls -d "$work/cloner/bots/$clone" 2>/dev/null)" ""
check "no vhost $clone.conf" "$(ls "$CLONER_TEST_NGINX_VHOSTS" | grep -F "$clone")" ""
check "no database $clone" "$(sql "SHOW DATABASES LIKE '$clone'")" ""
check "no MySQL user $clone" "$(sql "SELECT COUNT(*) FROM mysql.user WHERE User = '$clone'")" 0
check "no process with CLONER_CLONE=$clone" "$(clone_processes)" ""
exit "$left"
