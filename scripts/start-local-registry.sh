#!/usr/bin/env bash
# Starts Debian's Distribution registry (the server Docker Hub runs) on 127.0.0.1:5000 with basic
# auth from an htpasswd file, so `rsrun image push` is exercised with real credentials. Runs the
# binary directly (no systemd on these machines). Idempotent: a registry already answering is reused.
set -euo pipefail

ADDR="${RSRUN_REGISTRY_ADDR:-127.0.0.1:5000}"
USER_NAME="${RSRUN_TEST_REGISTRY_USER:-rsrun}"
PASSWORD="${RSRUN_TEST_REGISTRY_PASSWORD:-rsrun-registry}"
STATE_DIR="${RSRUN_REGISTRY_DIR:-/var/lib/rsrun-registry}"
LOG="${RSRUN_REGISTRY_LOG:-/var/log/rsrun-registry.log}"

need=()
command -v docker-registry >/dev/null 2>&1 || need+=(docker-registry)
command -v htpasswd >/dev/null 2>&1 || need+=(apache2-utils)
command -v curl >/dev/null 2>&1 || need+=(curl)
if [ "${#need[@]}" -gt 0 ]; then
  echo "installing ${need[*]} from Debian's packages"
  apt-get update -q >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${need[@]}" >/dev/null
fi

# Any HTTP answer on /v2/ (401 without credentials) means a registry is listening.
if curl -s -o /dev/null -w '%{http_code}' "http://$ADDR/v2/" 2>/dev/null | grep -qE '^(200|401)$'; then
  echo "registry already answering on $ADDR"
  exit 0
fi

mkdir -p "$STATE_DIR/data"
htpasswd -Bbc "$STATE_DIR/htpasswd" "$USER_NAME" "$PASSWORD" 2>/dev/null
cat >"$STATE_DIR/config.yml" <<YAML
version: 0.1
log:
  level: warn
storage:
  filesystem:
    rootdirectory: $STATE_DIR/data
  delete:
    enabled: true
http:
  addr: $ADDR
auth:
  htpasswd:
    realm: rsrun-local
    path: $STATE_DIR/htpasswd
YAML

nohup docker-registry serve "$STATE_DIR/config.yml" >"$LOG" 2>&1 </dev/null &

for _ in $(seq 1 30); do
  if curl -s -o /dev/null -w '%{http_code}' "http://$ADDR/v2/" 2>/dev/null | grep -qE '^(200|401)$'; then
    echo "registry ready on $ADDR (user $USER_NAME)"
    exit 0
  fi
  sleep 1
done
echo "registry did not answer on $ADDR within 30 s; last lines of $LOG:" >&2
tail -n 20 "$LOG" >&2
exit 1
