#!/usr/bin/env bash
# Builds local/mailpit:<version>, the stand-in for axllent/mailpit (see the Dockerfile), from
# Mailpit's Go module, as its own Dockerfile does: the web UI with npm (esbuild), then the binary
# with Go, both on this machine (the Go proxy and the npm registry are reachable where no container
# registry is). Needs Go (GOTOOLCHAIN=auto fetches the release that Mailpit's go.mod asks for), Node
# with npm, and local/debian:bookworm (script/base-images.sh). Builds once per version: the
# binary stays in target/offline/mailpit.
# Usage: DOCKER=/usr/bin/docker offline/mailpit/build.sh
set -euo pipefail
cd "$(dirname "$0")/../.."

version=1.33.1
context=target/offline/mailpit
for tool in go npm; do
  command -v "$tool" >/dev/null || { echo "offline: mailpit needs $tool (script/setup.sh installs it)" >&2; exit 1; }
done
if [[ "$(cat "$context/mailpit.version" 2>/dev/null)" != "$version" ]]; then
  echo "offline: compiling Mailpit $version, its web UI (npm) and its binary (Go): about two minutes" >&2
  export GOTOOLCHAIN=auto
  rm -rf "$context" && mkdir -p "$context"
  script/go-module-source.sh "github.com/axllent/mailpit@v$version" "$context/src"
  # package.json's ranges, not upstream's package-lock.json: some of its exact versions are not on
  # the npm registry here (sass-embedded 1.108.1, rapidoc 12.1.0). RapiDoc (the API's docs page, not
  # the inbox) has no 12.x here at all: 9.3.8 takes its place.
  (cd "$context/src" && rm package-lock.json && npm pkg set dependencies.rapidoc=9.3.8 \
    && npm install --no-audit --no-fund --loglevel=error >&2 \
    && npm run --silent package >&2)
  (cd "$context/src" && CGO_ENABLED=0 go build -trimpath \
    -ldflags "-s -w -X github.com/axllent/mailpit/config.Version=v$version" -o ../mailpit)
  rm -rf "$context/src"
  echo "$version" >"$context/mailpit.version"
fi
cp offline/mailpit/Dockerfile "$context/Dockerfile"
exec offline/build-image.sh "local/mailpit:$version" "$context"
