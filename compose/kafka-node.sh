#!/usr/bin/env bash
# Entrypoint of the Kafka nodes (docker-compose.yml): writes server.properties from the node's
# KAFKA_* variables, formats the log directory for KRaft the first time, and starts the broker and
# controller. It does explicitly what apache/kafka's own entrypoint does from the same variables,
# so the nodes start the same way on apache/kafka and on the stand-in of offline/kafka.
#
# Environment: CLUSTER_ID (required: the KRaft cluster id every node is formatted with), KAFKA_HOME
# (default /opt/kafka), and every setting of the node as KAFKA_<NAME>: KAFKA_ dropped, lower case,
# '_' becomes '.', '__' becomes '_' and '___' becomes '-' (KAFKA_LOG_DIRS -> log.dirs), as in the
# official image. The launcher's own variables (KAFKA_HEAP_OPTS, KAFKA_OPTS, ...) are no settings.
set -euo pipefail

kafka_home="${KAFKA_HOME:-/opt/kafka}"
cluster_id="${CLUSTER_ID:?CLUSTER_ID is not set (the KRaft cluster id, kafka-storage.sh random-uuid)}"
config_dir="${TMPDIR:-/tmp}/kafka-node"
config="$config_dir/server.properties"

mkdir -p "$config_dir"
: >"$config"
settings=0
for name in "${!KAFKA_@}"; do
  case "$name" in
    # Read by bin/kafka-run-class.sh or by this script, or the image's log4j settings: no server properties.
    KAFKA_HOME | KAFKA_VERSION | KAFKA_HEAP_OPTS | KAFKA_OPTS | KAFKA_LOG4J_OPTS | KAFKA_JMX_OPTS | \
      KAFKA_JVM_PERFORMANCE_OPTS | KAFKA_GC_LOG_OPTS | KAFKA_DEBUG | KAFKA_JMX_HOSTNAME | \
      KAFKA_LOG4J_ROOT_LOGLEVEL | KAFKA_LOG4J_LOGGERS | KAFKA_TOOLS_LOG4J_LOGLEVEL) continue ;;
  esac
  key="${name#KAFKA_}"
  key="${key,,}"
  key="${key//_/.}"
  key="${key//.../-}"
  key="${key//../_}"
  printf '%s=%s\n' "$key" "${!name}" >>"$config"
  settings=$((settings + 1))
done
echo "kafka-node: $settings settings from KAFKA_* variables in $config" >&2

# A log directory formatted before (a restart, a kept volume) is left as it is; one formatted with
# another cluster id makes the broker stop at start with a message that says so.
"$kafka_home/bin/kafka-storage.sh" format --cluster-id="$cluster_id" --config "$config" --ignore-formatted >&2

exec "$kafka_home/bin/kafka-server-start.sh" "$config"
