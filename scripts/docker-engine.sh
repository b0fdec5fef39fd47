#!/usr/bin/env bash
# Installs Debian's Docker engine when absent and starts dockerd in the background (no systemd on
# these machines), then waits until `docker info` answers. Idempotent: a running engine is reused.
set -euo pipefail

DOCKERD_LOG="${RSRUN_DOCKERD_LOG:-/var/log/dockerd.log}"

if ! command -v dockerd >/dev/null 2>&1; then
  echo "installing docker.io from Debian's packages"
  apt-get update -q >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q docker.io >/dev/null
fi

if docker info >/dev/null 2>&1; then
  echo "docker engine already running"
  exit 0
fi

# A dockerd killed without cleanup leaves its pid file behind and refuses to start again.
if [ -f /var/run/docker.pid ] && ! kill -0 "$(cat /var/run/docker.pid)" 2>/dev/null; then
  rm -f /var/run/docker.pid
fi

echo "starting dockerd (log: ${DOCKERD_LOG})"
nohup dockerd >"$DOCKERD_LOG" 2>&1 </dev/null &

for _ in $(seq 1 60); do
  if docker info >/dev/null 2>&1; then
    echo "docker engine ready ($(docker version --format '{{.Server.Version}}'))"
    exit 0
  fi
  sleep 1
done
echo "dockerd did not answer within 60 s; last lines of ${DOCKERD_LOG}:" >&2
tail -n 20 "$DOCKERD_LOG" >&2
exit 1
