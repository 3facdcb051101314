#!/usr/bin/env bash
# Builds local/postgres:15, the stand-in for postgres:16.15 (PostgreSQL 15 from Debian bookworm;
# see the Dockerfile). Needs local/debian:bookworm (script/base-images.sh).
# Usage: DOCKER=/usr/bin/docker offline/postgres/build.sh
set -euo pipefail

exec "$(dirname "$0")/../build-image.sh" local/postgres:15 "$(dirname "$0")"
