#!/usr/bin/env bash
# Provides the Dockerfile's base image locally under its exact tag (node:20-bookworm-slim), because
# these machines cannot pull from any registry: a Debian bookworm root filesystem made with
# debootstrap from the machine's own apt mirror, imported into Docker, plus the host's Node and npm.
# The rootfs tarball is cached between runs; every step already done is skipped.
set -euo pipefail

BASE_TAG="${RSRUN_BASE_IMAGE:-node:20-bookworm-slim}"
ROOTFS_TAG="local/bookworm:minbase"
CACHE_DIR="${RSRUN_CACHE_DIR:-/var/cache/rsrun}"
ROOTFS_TAR="$CACHE_DIR/bookworm-minbase.tar"

if docker image inspect "$BASE_TAG" >/dev/null 2>&1; then
  echo "base image $BASE_TAG already present"
  exit 0
fi

# The mirror this machine's apt already uses (deb822 `URIs:` or one-line `deb URI suite`).
apt_mirror() {
  local uri
  uri=$(grep -hs '^URIs:' /etc/apt/sources.list.d/*.sources | awk '{print $2}' | grep -v -- '-security' | head -n 1 || true)
  if [ -z "$uri" ]; then
    uri=$(grep -hs '^deb ' /etc/apt/sources.list /etc/apt/sources.list.d/*.list | awk '{print $2}' | grep -v -- '-security' | head -n 1 || true)
  fi
  echo "${uri:-http://deb.debian.org/debian}"
}

if ! docker image inspect "$ROOTFS_TAG" >/dev/null 2>&1; then
  if [ ! -s "$ROOTFS_TAR" ]; then
    if ! command -v debootstrap >/dev/null 2>&1; then
      apt-get update -q >/dev/null
      DEBIAN_FRONTEND=noninteractive apt-get install -y -q debootstrap >/dev/null
    fi
    mirror=$(apt_mirror)
    mkdir -p "$CACHE_DIR"
    rootfs=$(mktemp -d "$CACHE_DIR/rootfs.XXXXXX")
    trap 'rm -rf "$rootfs"' EXIT
    echo "debootstrap --variant=minbase bookworm from $mirror (about a minute)"
    debootstrap --variant=minbase bookworm "$rootfs" "$mirror" >"$CACHE_DIR/debootstrap.log" 2>&1 || {
      tail -n 20 "$CACHE_DIR/debootstrap.log" >&2
      exit 1
    }
    # Slim it like the official -slim images: no apt lists, docs or man pages.
    rm -rf "$rootfs"/var/lib/apt/lists/* "$rootfs"/usr/share/doc/* "$rootfs"/usr/share/man/* "$rootfs"/var/cache/apt/*.bin
    # Write to a temporary name first so an interrupted run never leaves a truncated cache.
    tar -C "$rootfs" --numeric-owner -cf "$ROOTFS_TAR.partial" .
    mv "$ROOTFS_TAR.partial" "$ROOTFS_TAR"
    rm -rf "$rootfs"
    trap - EXIT
  else
    echo "using cached rootfs $ROOTFS_TAR"
  fi
  docker import "$ROOTFS_TAR" "$ROOTFS_TAG" >/dev/null
fi

# Node and npm of the host, as the official image lays them out: node in /usr/local/bin and npm's
# package in /usr/local/lib/node_modules/npm (npm is needed by the Dockerfile's build stage).
node_bin=$(command -v node)
npm_dir=$(cd "$(dirname "$(readlink -f "$(command -v npm)")")/.." && pwd)
ctx=$(mktemp -d)
trap 'rm -rf "$ctx"' EXIT
cp "$node_bin" "$ctx/node"
cp -a "$npm_dir" "$ctx/npm"
cat >"$ctx/Dockerfile" <<DOCKERFILE
FROM $ROOTFS_TAG
COPY node /usr/local/bin/node
COPY npm /usr/local/lib/node_modules/npm
RUN ln -s ../lib/node_modules/npm/bin/npm-cli.js /usr/local/bin/npm && ln -s ../lib/node_modules/npm/bin/npx-cli.js /usr/local/bin/npx && node --version && npm --version
CMD ["node"]
DOCKERFILE
docker build -q -t "$BASE_TAG" "$ctx" >/dev/null
echo "base image $BASE_TAG ready ($(docker run --rm "$BASE_TAG" node --version))"
