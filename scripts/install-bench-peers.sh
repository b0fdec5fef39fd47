#!/usr/bin/env bash
# Installs what `npm run bench` compares rsrun with, and the services it measures against, on a
# Debian 12 machine (as root). Idempotent: what is already there is reused; safe to run repeatedly.
#   - Debian: sqitch + libdbd-pg-perl (sqitch's PostgreSQL engine), postgresql-client (psql),
#     hyperfine (cold start), awscli (the `aws s3 cp --recursive` baseline), postgresql (server),
#     time (GNU time: the kernel's peak RSS of a command, for the memory scenario).
#   - npm, into bench/peers/ (kept out of the runner's own dependencies): node-pg-migrate, postgrator.
# The Docker engine and the runner image are not installed here: the image scenario reports
# "not available" without them (scripts of the container issue provide both).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(dirname "$here")"

apt_packages=(sqitch libdbd-pg-perl postgresql postgresql-client hyperfine awscli time)
missing=()
for p in "${apt_packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "missing Debian packages: ${missing[*]} (run as root to install them)" >&2
  else
    echo "installing Debian packages: ${missing[*]}"
    apt-get update -q >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null
  fi
fi

peers="$repo/bench/peers"
if [ ! -f "$peers/node_modules/node-pg-migrate/package.json" ] || [ ! -f "$peers/node_modules/postgrator/package.json" ] \
  || [ "$peers/package.json" -nt "$peers/node_modules/.package-lock.json" ]; then
  echo "installing npm peers into bench/peers"
  npm install --prefix "$peers" --no-audit --no-fund --loglevel=error >/dev/null
fi

"$here/start-postgres.sh"
echo "bench peers ready: $(sqitch --version 2>/dev/null | head -n1 || echo 'sqitch missing'); psql $(psql --version | awk '{print $3}')"
