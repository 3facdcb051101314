#!/usr/bin/env bash
# Starts a Kafka broker and/or KRaft controller: kafka.Kafka with the given server.properties.
# Logs go to stdout and to files in LOG_DIR (config/log4j.properties); the heap is 1 GB unless
# KAFKA_HEAP_OPTS says otherwise.
# Usage: kafka-server-start.sh [-daemon] server.properties [--override property=value]*
set -euo pipefail

if (($# < 1)); then
  echo "USAGE: $0 [-daemon] server.properties [--override property=value]*" >&2
  exit 1
fi
base_dir="$(dirname "$0")"
export KAFKA_LOG4J_OPTS="${KAFKA_LOG4J_OPTS:--Dlog4j.configuration=file:$base_dir/../config/log4j.properties}"
export KAFKA_HEAP_OPTS="${KAFKA_HEAP_OPTS:--Xmx1G -Xms1G}"
# shellcheck disable=SC2206 # EXTRA_ARGS is a list of launcher flags
extra_args=(${EXTRA_ARGS--name kafkaServer -loggc})
if [[ "$1" == -daemon ]]; then
  extra_args=(-daemon "${extra_args[@]}")
  shift
fi
exec "$base_dir/kafka-run-class.sh" "${extra_args[@]}" kafka.Kafka "$@"
