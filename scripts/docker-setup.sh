#!/usr/bin/env bash
# Everything the container suite (test/container) and `rsrun pipeline` need on one Debian 12
# machine, as root: the Docker engine, a local registry on 127.0.0.1:5000 and the base image
# node:20-bookworm-slim built locally (no registry can be pulled from here). Idempotent.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

"$here/docker-engine.sh"
"$here/start-local-registry.sh"
"$here/docker-base-image.sh"
