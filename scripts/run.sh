#!/usr/bin/env bash
# The run command: restores and runs Cloner.Web from the repo root with the embedded store in
# ./data and the sample blueprint, signing in as admin. The admin password comes from
# CLONER_ADMIN_PASSWORD, else it is generated once and kept in data/admin-password.
# The admin is created only when the store has no user yet; a later password change in
# CLONER_ADMIN_PASSWORD does not change an existing admin.
set -euo pipefail
cd "$(dirname "$0")/.."
root="$PWD"

# Every component logs through runit's svlogd; install it when it is missing and we may.
if ! command -v svlogd >/dev/null; then
  if [[ "$(id -u)" == 0 ]]; then
    apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends runit
  else
    echo "run.sh: svlogd is missing; install the Debian package runit (apt-get install runit)" >&2
    exit 1
  fi
fi

mkdir -p "$root/data"
password_file="$root/data/admin-password"
if [[ -n "${CLONER_ADMIN_PASSWORD:-}" ]]; then
  password="$CLONER_ADMIN_PASSWORD"
else
  if [[ ! -s "$password_file" ]]; then
    (umask 077 && head -c 32 /dev/urandom | base64 | tr -dc 'A-Za-z0-9' | head -c 20 \
      >"$password_file")
    # A trailing digit, capital and symbol keep Identity's default password rules happy.
    printf 'A1!' >>"$password_file"
  fi
  password="$(cat "$password_file")"
fi

export ASPNETCORE_ENVIRONMENT="${ASPNETCORE_ENVIRONMENT:-Development}"
export Cloner__DataDir="${Cloner__DataDir:-$root/data}"
export Cloner__BlueprintsDir="${Cloner__BlueprintsDir:-$root/samples/blueprints}"
export Cloner__Admin__UserName=admin
export Cloner__Admin__Password="$password"

url="http://127.0.0.1:5000"
echo "Cloner: http://127.0.0.1:5000/ego1/cloner"
echo "Cloner: user admin, password $password"
dotnet restore Cloner.Web/Cloner.Web.csproj
exec dotnet run --project Cloner.Web/Cloner.Web.csproj --no-restore --no-launch-profile -- \
  --urls "$url" --contentRoot "$root/Cloner.Web"
