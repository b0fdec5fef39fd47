#!/usr/bin/env bash
# Jenkins `post { always }`: remove runner containers this build may have left behind (an aborted
# build kills `rsrun container run` before it can remove its container). Containers inherit the
# image's OCI labels, so filtering on the commit's revision label touches only this build's image,
# never other jobs' containers on the shared Docker engine. Safe to run when there is nothing to do.
set -euo pipefail

if [ -z "${GIT_COMMIT:-}" ]; then
  echo "GIT_COMMIT is not set: no runner containers to clean up"
  exit 0
fi

mapfile -t ids < <(docker ps -aq --filter "label=org.opencontainers.image.revision=${GIT_COMMIT}")
if [ "${#ids[@]}" -eq 0 ]; then
  echo "no runner containers left for ${GIT_COMMIT}"
  exit 0
fi
echo "removing ${#ids[@]} runner container(s) of ${GIT_COMMIT}"
docker rm -f "${ids[@]}" >/dev/null
