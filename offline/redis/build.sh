#!/usr/bin/env bash
# Builds local/redis:7.0, the stand-in for redis:7.2-bookworm (Redis 7.0 from Debian bookworm;
# see the Dockerfile). Needs local/debian:bookworm (script/base-images.sh).
# Usage: DOCKER=/usr/bin/docker offline/redis/build.sh
set -euo pipefail

exec "$(dirname "$0")/../build-image.sh" local/redis:7.0 "$(dirname "$0")"
