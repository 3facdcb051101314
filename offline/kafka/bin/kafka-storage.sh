#!/usr/bin/env bash
# Formats KRaft log directories (kafka.tools.StorageTool); arguments pass through.
set -euo pipefail
exec "$(dirname "$0")/kafka-run-class.sh" kafka.tools.StorageTool "$@"
