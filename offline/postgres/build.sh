#!/usr/bin/env bash
# Builds local/postgres:15, the stand-in for postgres:16.15 (PostgreSQL 15 from Debian bookworm;
# see the Dockerfile). Needs local/debian:bookworm (script/base-images.sh).
# Usage: DOCKER=/usr/bin/docker offline/postgres/build.sh
set -euo pipefail
cd "$(dirname "$0")"

docker="${DOCKER:-/usr/bin/docker}"
image=local/postgres:15

echo "postgres: building $image" >&2
DOCKER_BUILDKIT=1 "$docker" build --quiet --force-rm -t "$image" . >/dev/null
