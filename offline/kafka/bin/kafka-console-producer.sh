#!/usr/bin/env bash
# Sends the lines of stdin as records (kafka.tools.ConsoleProducer); arguments pass through.
set -euo pipefail
export KAFKA_HEAP_OPTS="${KAFKA_HEAP_OPTS:--Xmx512M}"
exec "$(dirname "$0")/kafka-run-class.sh" kafka.tools.ConsoleProducer "$@"
