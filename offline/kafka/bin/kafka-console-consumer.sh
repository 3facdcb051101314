#!/usr/bin/env bash
# Prints the records of a topic (org.apache.kafka.tools.consumer.ConsoleConsumer); arguments pass through.
set -euo pipefail
export KAFKA_HEAP_OPTS="${KAFKA_HEAP_OPTS:--Xmx512M}"
exec "$(dirname "$0")/kafka-run-class.sh" org.apache.kafka.tools.consumer.ConsoleConsumer "$@"
