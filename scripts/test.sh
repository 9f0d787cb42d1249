#!/usr/bin/env bash
# The test command: installs the Debian packages the tests need when missing, builds with
# warnings as errors, starts a private MariaDB and nginx on 127.0.0.1, runs every test of the
# solution against them and stops them again. Exits with dotnet test's code.
set -euo pipefail
cd "$(dirname "$0")/.."

configuration="${CONFIGURATION:-Debug}"

missing=()
[[ -x /usr/sbin/mariadbd ]] || missing+=(mariadb-server)
[[ -x /usr/sbin/nginx ]] || missing+=(nginx-light)
[[ -x /usr/bin/chromium ]] || missing+=(chromium)
command -v svlogd >/dev/null || missing+=(runit) # the components' log relays
if ((${#missing[@]} > 0)); then
  echo "test.sh: installing ${missing[*]}"
  apt-get update
  DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}"
fi
command -v setsid >/dev/null || { echo "test.sh: util-linux setsid is missing" >&2; exit 1; }
command -v python3 >/dev/null || { echo "test.sh: python3 is missing" >&2; exit 1; }

dotnet restore Cloner.sln
dotnet build Cloner.sln --no-restore -c "$configuration" -warnaserror

servers="$(mktemp -d /tmp/cloner-test-servers.XXXXXX)"
stop_servers() {
  bash scripts/test-servers.sh stop "$servers" || echo "test.sh: stopping the servers failed" >&2
  rm -rf "$servers"
}
trap stop_servers EXIT
bash scripts/test-servers.sh start "$servers"
# shellcheck disable=SC1091
source "$servers/env"
export CLONER_TEST_CHROMIUM=/usr/bin/chromium

results="$PWD/TestResults"
mkdir -p "$results"
export CLONER_TEST_RESULTS="$results"

code=0
dotnet test Cloner.sln --no-build -c "$configuration" \
  --results-directory "$results" \
  --logger "trx;LogFileName=cloner.trx" \
  --logger "console;verbosity=normal" || code=$?
echo "test.sh: dotnet test exited with $code; results in $results"
exit "$code"
