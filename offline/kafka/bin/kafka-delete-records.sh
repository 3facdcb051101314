#!/usr/bin/env bash
# Deletes a partition's records below an offset, as retention does (org.apache.kafka.tools.DeleteRecordsCommand); arguments pass through.
set -euo pipefail
exec "$(dirname "$0")/kafka-run-class.sh" org.apache.kafka.tools.DeleteRecordsCommand "$@"
