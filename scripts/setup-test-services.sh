#!/usr/bin/env bash
# Installs and starts everything the test suites need on a Debian 12 machine (as root):
# PostgreSQL, the Docker engine, a local registry, the locally built base image, Chromium,
# linters and the AWS CLI. Idempotent: what a machine already has is reused.
# Used by .ci/run; developers run it once to enable every suite.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

apt_packages=(postgresql chromium shellcheck yamllint awscli iproute2)
# Infrastructure checks (test/infra): Compose validates docker-compose.yml, Java runs npm-groovy-lint.
apt_packages+=(docker-compose openjdk-17-jre-headless)
missing=()
for p in "${apt_packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ]; then
  echo "installing Debian packages: ${missing[*]}"
  apt-get update -q >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${missing[@]}" >/dev/null
fi

"$here/start-postgres.sh"
"$here/docker-setup.sh"
