#!/usr/bin/env bash
# Copies the source of one Go module, at one version, from the Go module proxy into a writable
# directory, to build it there: `go install module@version` refuses modules whose go.mod has
# replace or exclude directives, and the module cache is read-only. Used by
# script/install-compose.sh and offline/mailpit/build.sh.
# Usage: script/go-module-source.sh MODULE@VERSION DEST   (DEST must not exist)
# Environment: GO, the go command (default: go on PATH).
set -euo pipefail
(($# == 2)) || { echo "Usage: script/go-module-source.sh MODULE@VERSION DEST" >&2; exit 2; }

module_dir="$(cd "$(dirname "$2")" && "${GO:-go}" mod download -json "$1" \
  | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')"
[[ -d "$module_dir" ]] || { echo "go-module-source: go mod download gave no directory for $1" >&2; exit 1; }
cp -R "$module_dir" "$2"
chmod -R u+w "$2"
