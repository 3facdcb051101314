#!/usr/bin/env bash
# Prints the offsets of partitions (org.apache.kafka.tools.GetOffsetShell); arguments pass through.
set -euo pipefail
exec "$(dirname "$0")/kafka-run-class.sh" org.apache.kafka.tools.GetOffsetShell "$@"
