#!/usr/bin/env bash
# The last step of every offline/<image>/build.sh: builds one stand-in of the offline image set
# from its build context. Usage: offline/build-image.sh IMAGE CONTEXT
# Environment: DOCKER (the docker CLI, default /usr/bin/docker). Progress on stderr, nothing on stdout.
set -euo pipefail
(($# == 2)) || { echo "Usage: offline/build-image.sh IMAGE CONTEXT" >&2; exit 2; }

echo "offline: building $1" >&2
DOCKER_BUILDKIT=1 "${DOCKER:-/usr/bin/docker}" build --quiet --force-rm -t "$1" "$2" >/dev/null
