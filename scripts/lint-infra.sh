#!/usr/bin/env bash
# Lints the infrastructure as a reviewer would, with the same tools test/infra runs under mocha:
# npm-groovy-lint (both Jenkinsfiles), docker-compose config, cfn-lint, shellcheck, yamllint.
# Usage: bash scripts/lint-infra.sh   (tools: scripts/setup-test-services.sh and npm ci)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

echo "== npm-groovy-lint"
npx --no-install npm-groovy-lint --noserver --config jenkins/.groovylintrc.json --failon warning \
  Jenkinsfile jenkins/Jenkinsfile.scripted

echo "== docker-compose config"
root="$(mktemp -d)"
trap 'rm -rf "$root"' EXIT
mkdir -p "$root/config"
cp jenkins/jenkins.env.example "$root/config/jenkins.env"
RSRUN_JENKINS_ROOT="$root" docker-compose -f docker-compose.yml config --quiet

echo "== cfn-lint"
npx --no-install cfn-lint validate ec2/template.yaml

echo "== shellcheck"
mapfile -t scripts < <(git ls-files -- '*.sh' .ci/run)
shellcheck "${scripts[@]}"

echo "== yamllint"
mapfile -t yamls < <(git ls-files -- '*.yml' '*.yaml')
yamllint --strict -c test/infra/yamllint.yaml "${yamls[@]}"
echo "infrastructure lint passed"
