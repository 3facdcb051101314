#!/usr/bin/env bash
# Makes `docker compose` (Compose v2) available, for docker-compose.yml: when no Compose v2 answers,
# builds Compose from its Go module (github.com/docker/compose/v2, through the Go module proxy) and
# installs it as the docker CLI plugin ~/.docker/cli-plugins/docker-compose. Debian's docker.io has
# no compose plugin, and its docker-compose package is v1, which this stack does not support.
# Idempotent: does nothing when Compose v2 is there. Prints progress on stderr, nothing on stdout.
# Needs Go (1.24 or newer) on PATH or in /usr/local/go/bin; the build takes ~6 minutes on 2 cores.
# Usage: script/install-compose.sh [--check] [docker CLI, default: docker on PATH]
#        (--check: only fails, with a hint, when no Compose v2 answers; builds nothing)
set -euo pipefail

version=v2.40.3
check=false
[[ "${1:-}" != --check ]] || { check=true; shift; }
docker="${1:-docker}"
plugin_dir="${DOCKER_CONFIG:-$HOME/.docker}/cli-plugins"
plugin="$plugin_dir/docker-compose"

log() { echo "install-compose: $*" >&2; }

compose_v2() { # prints the version of a working Compose v2, or fails
  local found
  found="$("$@" version --short 2>/dev/null)" || return 1
  [[ "$found" =~ ^v?2\. ]] && echo "$found"
}

if found="$(compose_v2 "$docker" compose || compose_v2 "$plugin")"; then
  log "Compose $found is already available"
  exit 0
fi
! $check || { log "no Compose v2: run script/setup.sh first"; exit 1; }

go="$(command -v go || true)"
[[ -n "$go" || ! -x /usr/local/go/bin/go ]] || go=/usr/local/go/bin/go
[[ -n "$go" ]] || { log "Go is needed to build Compose $version (e.g. apt-get install golang-go, 1.24+)"; exit 1; }

work="$(mktemp -d)"
trap 'chmod -R u+w "$work" 2>/dev/null; rm -rf "$work"' EXIT

log "downloading github.com/docker/compose/v2@$version from the Go module proxy"
GO="$go" "$(dirname "$0")/go-module-source.sh" "github.com/docker/compose/v2@$version" "$work/src"

log "building Compose $version (several minutes)"
(cd "$work/src" && "$go" build -trimpath \
  -ldflags "-w -s -X github.com/docker/compose/v2/internal.Version=$version" \
  -o "$work/docker-compose" ./cmd) >&2

mkdir -p "$plugin_dir"
install -m 0755 "$work/docker-compose" "$plugin"
log "installed $plugin: $("$plugin" version --short)"
