#!/usr/bin/env bash
# Builds local/docker-socket-proxy:0.5.0, the stand-in for tecnativa/docker-socket-proxy:v0.5.0
# (HAProxy 3.x from Debian forky), and names the HAProxy version it runs. Needs local/debian:forky
# (script/base-images.sh). Usage: DOCKER=/usr/bin/docker offline/docker-proxy/build.sh
set -euo pipefail
cd "$(dirname "$0")"

docker="${DOCKER:-/usr/bin/docker}"
image=local/docker-socket-proxy:0.5.0

echo "docker-proxy: building $image" >&2
DOCKER_BUILDKIT=1 "$docker" build --quiet --force-rm -t "$image" . >/dev/null
echo "docker-proxy: $image runs $("$docker" run --rm "$image" haproxy -v | head -1)" >&2
