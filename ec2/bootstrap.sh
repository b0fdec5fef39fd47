#!/usr/bin/env bash
# EC2 user data for the rsrun Jenkins host (Amazon Linux 2023), run by ec2/template.yaml from a
# clone of the repository, and by ops afterwards (README "Running on EC2"):
#   bootstrap.sh                  install everything, lay out /srv/rsrun-jenkins, start Jenkins
#   bootstrap.sh refresh-secrets  re-read the Jenkins secrets from Secrets Manager (rotation)
#   bootstrap.sh refresh-config   copy JCasC and compose settings from the repository again
# Idempotent. Settings come from the environment the user data exports (RSRUN_*).
set -euo pipefail

REPO_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
ROOT="${RSRUN_JENKINS_ROOT:-/srv/rsrun-jenkins}"
COMPOSE_VERSION="${RSRUN_COMPOSE_VERSION:-v2.36.2}"
# Jenkins's uid inside the official image: it must be able to read the secrets and write workspaces.
JENKINS_UID=1000

# The host secrets JCasC reads as ${readFile:/run/secrets/NAME}; each is the Secrets Manager secret
# ${RSRUN_SECRETS_PREFIX}/NAME. test/infra checks this list against jenkins/casc/jenkins.yaml.
JENKINS_SECRETS=(jenkins-admin-password dockerhub-token github-token github-webhook-secret)

log() { echo "[rsrun-bootstrap] $*"; }

require_env() {
  local name
  for name in "$@"; do
    if [ -z "${!name:-}" ]; then
      echo "[rsrun-bootstrap] $name must be set (the stack's user data exports it)" >&2
      exit 2
    fi
  done
}

install_packages() {
  log "installing Docker, git, jq and the CloudWatch agent"
  dnf install -y -q docker git jq amazon-cloudwatch-agent
  systemctl enable --now docker
  if ! docker compose version >/dev/null 2>&1; then
    log "installing Docker Compose ${COMPOSE_VERSION}"
    local dir=/usr/local/lib/docker/cli-plugins base
    base="https://github.com/docker/compose/releases/download/${COMPOSE_VERSION}"
    install -d "$dir"
    curl -fsSL -o /tmp/docker-compose "${base}/docker-compose-linux-$(uname -m)"
    curl -fsSL -o /tmp/docker-compose.sha256 "${base}/docker-compose-linux-$(uname -m).sha256"
    # The release's published checksum names the file; verify before installing.
    (cd /tmp && sed 's# \*\?docker-compose-linux-.*# docker-compose#' docker-compose.sha256 | sha256sum -c -)
    install -m 0755 /tmp/docker-compose "$dir/docker-compose"
  fi
}

layout() {
  log "laying out ${ROOT}"
  install -d -m 0755 "$ROOT" "$ROOT/config" "$ROOT/config/casc"
  install -d -m 0750 -o "$JENKINS_UID" -g "$JENKINS_UID" "$ROOT/secrets"
  install -d -m 0755 -o "$JENKINS_UID" -g "$JENKINS_UID" "$ROOT/workspace"
}

refresh_config() {
  require_env RSRUN_REGION RSRUN_DOCKERHUB_USERNAME RSRUN_GITHUB_OWNER RSRUN_GITHUB_REPOSITORY RSRUN_REPORTS_URL
  log "copying JCasC and writing ${ROOT}/config/jenkins.env"
  install -m 0644 "$REPO_DIR/jenkins/casc/jenkins.yaml" "$ROOT/config/casc/jenkins.yaml"
  local public_host
  # ec2-metadata (amazon-ec2-utils, part of AL2023) speaks IMDSv2; "public-hostname: NAME".
  public_host="$(ec2-metadata --public-hostname | cut -d' ' -f2)"
  [ -n "$public_host" ] || public_host="$(hostname -f)"
  cat >"$ROOT/config/jenkins.env" <<ENV
JENKINS_ADMIN_ID=${RSRUN_JENKINS_ADMIN_ID:-admin}
JENKINS_URL=http://${public_host}:8080/
DOCKERHUB_USERNAME=${RSRUN_DOCKERHUB_USERNAME}
GITHUB_USERNAME=x-access-token
GITHUB_OWNER=${RSRUN_GITHUB_OWNER}
GITHUB_REPOSITORY=${RSRUN_GITHUB_REPOSITORY}
RSRUN_REPORTS_URL=${RSRUN_REPORTS_URL}
AWS_REGION=${RSRUN_REGION}
ENV
  cat >"$ROOT/config/compose.env" <<ENV
RSRUN_JENKINS_ROOT=${ROOT}
DOCKER_GID=$(getent group docker | cut -d: -f3)
VCS_REF=$(git -C "$REPO_DIR" rev-parse HEAD)
ENV
}

refresh_secrets() {
  require_env RSRUN_REGION RSRUN_SECRETS_PREFIX
  local name tmp
  for name in "${JENKINS_SECRETS[@]}"; do
    log "reading secret ${RSRUN_SECRETS_PREFIX}/${name}"
    tmp="$(mktemp "$ROOT/secrets/.${name}.XXXXXX")"
    # The value goes straight to a 0400 file; it is never echoed, logged or passed as an argument.
    aws secretsmanager get-secret-value --region "$RSRUN_REGION" --secret-id "${RSRUN_SECRETS_PREFIX}/${name}" \
      --query SecretString --output text >"$tmp"
    chmod 0400 "$tmp"
    chown "$JENKINS_UID:$JENKINS_UID" "$tmp"
    mv -f "$tmp" "$ROOT/secrets/${name}"
  done
}

start_jenkins() {
  log "building the controller image and starting Jenkins"
  docker compose --project-directory "$REPO_DIR" --env-file "$ROOT/config/compose.env" \
    -f "$REPO_DIR/docker-compose.yml" up -d --build
}

start_cloudwatch_agent() {
  require_env RSRUN_LOG_GROUP
  log "starting the CloudWatch agent (log group ${RSRUN_LOG_GROUP})"
  local config=/opt/aws/amazon-cloudwatch-agent/etc/rsrun.json
  sed "s#__LOG_GROUP__#${RSRUN_LOG_GROUP}#g" "$REPO_DIR/ec2/cloudwatch-agent.json" >"$config"
  /opt/aws/amazon-cloudwatch-agent/bin/amazon-cloudwatch-agent-ctl -a fetch-config -m ec2 -c "file:${config}" -s
}

main() {
  if [ "$(id -u)" -ne 0 ]; then
    echo "[rsrun-bootstrap] run as root" >&2
    exit 2
  fi
  case "${1:-all}" in
    all)
      install_packages
      layout
      refresh_config
      refresh_secrets
      start_cloudwatch_agent
      start_jenkins
      ;;
    refresh-secrets) refresh_secrets ;;
    refresh-config) refresh_config ;;
    *)
      echo "usage: $0 [all|refresh-secrets|refresh-config]" >&2
      exit 2
      ;;
  esac
  log "done"
}

main "$@"
