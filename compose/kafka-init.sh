#!/usr/bin/env bash
# kafka-init (docker-compose.yml): creates the pipeline's topics, then exits. The brokers do not
# create topics themselves (auto-creation is off), so this is where they come from; creating them
# again is a no-op. Runs in the apache/kafka image.
#
# Environment: KAFKA_BOOTSTRAP_SERVERS, KAFKA_REPLICATION_FACTOR (1, or 3 with the cluster
# profile), KAFKA_MIN_INSYNC_REPLICAS, KAFKA_TOPIC_PARTITIONS, KAFKA_RETENTION_HOURS (how long the
# topics keep records, and so how far back users_rebuild reaches; set again on every start),
# KAFKA_INIT_TIMEOUT_SECONDS, KAFKA_HOME (the Kafka distribution, /opt/kafka in the image).
set -euo pipefail

bootstrap="${KAFKA_BOOTSTRAP_SERVERS:?KAFKA_BOOTSTRAP_SERVERS is not set}"
replication_factor="${KAFKA_REPLICATION_FACTOR:-1}"
min_isr="${KAFKA_MIN_INSYNC_REPLICAS:-1}"
partitions="${KAFKA_TOPIC_PARTITIONS:-3}"
retention_hours="${KAFKA_RETENTION_HOURS:-168}"
[[ "$retention_hours" =~ ^[1-9][0-9]*$ ]] || {
  echo "kafka-init: KAFKA_RETENTION_HOURS must be a positive whole number of hours, got '$retention_hours'" >&2
  exit 2
}
retention_ms=$((retention_hours * 3600 * 1000))
deadline=$((SECONDS + ${KAFKA_INIT_TIMEOUT_SECONDS:-180}))
kafka_topics="${KAFKA_HOME:-/opt/kafka}/bin/kafka-topics.sh"
kafka_configs="${KAFKA_HOME:-/opt/kafka}/bin/kafka-configs.sh"

for topic in users_created users_created_dlq; do
  # Until every broker of a replicated cluster has registered, creation fails ("The target
  # replication factor of 3 cannot be reached because only 1 broker(s) are registered"): retry.
  until output="$("$kafka_topics" --bootstrap-server "$bootstrap" --create --if-not-exists \
      --topic "$topic" --partitions "$partitions" --replication-factor "$replication_factor" \
      --config "min.insync.replicas=$min_isr" --config "retention.ms=$retention_ms" 2>&1)"; do
    if ((SECONDS >= deadline)); then
      echo "kafka-init: could not create $topic: $output" >&2
      exit 1
    fi
    echo "kafka-init: $topic not created yet (${output##*$'\n'}), retrying in 5 s" >&2
    sleep 5
  done

  # A topic created before keeps its retention unless told: the setting applies on every start.
  "$kafka_configs" --bootstrap-server "$bootstrap" --alter --entity-type topics --entity-name "$topic" \
    --add-config "retention.ms=$retention_ms" >/dev/null
  echo "kafka-init: $topic keeps records for $retention_hours h (retention.ms=$retention_ms)" >&2

  description="$("$kafka_topics" --bootstrap-server "$bootstrap" --describe --topic "$topic")"
  # The first line, without a pipe into head: head closing the pipe early kills the writer with
  # SIGPIPE, which pipefail makes this script's exit status (seen: exit 141).
  echo "${description%%$'\n'*}" >&2
  # An existing topic keeps its replication factor: say so when it is not the one asked for
  # (e.g. Kafka data kept from the single-node stack when starting the cluster profile).
  actual=unknown
  [[ "$description" =~ ReplicationFactor:\ *([0-9]+) ]] && actual="${BASH_REMATCH[1]}"
  if [[ "$actual" != "$replication_factor" ]]; then
    echo "kafka-init: WARNING: $topic has replication factor $actual, not $replication_factor;" \
      "remove the Kafka volumes to recreate it (README.md, Quick start)" >&2
  fi
done
echo "kafka-init: topics ready" >&2
