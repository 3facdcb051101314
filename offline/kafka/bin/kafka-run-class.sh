#!/usr/bin/env bash
# Runs one Java class of Kafka with the distribution's launcher conventions, so the tools and the
# broker of this image take the same variables as in apache/kafka: KAFKA_HEAP_OPTS,
# KAFKA_JVM_PERFORMANCE_OPTS, KAFKA_GC_LOG_OPTS, KAFKA_JMX_OPTS (+ JMX_PORT), KAFKA_LOG4J_OPTS,
# KAFKA_OPTS, LOG_DIR, CLASSPATH, JAVA_HOME.
# Usage: kafka-run-class.sh [-daemon] [-name servicename] [-loggc] classname [opts]
set -euo pipefail

if (($# < 1)); then
  echo "USAGE: $0 [-daemon] [-name servicename] [-loggc] classname [opts]" >&2
  exit 1
fi

base_dir="$(dirname "$0")/.."
classpath="${CLASSPATH:+$CLASSPATH:}$base_dir/libs/*"
java="${JAVA_HOME:+$JAVA_HOME/bin/}java"
log_dir="${LOG_DIR:-$base_dir/logs}"

jmx_opts="${KAFKA_JMX_OPTS:--Dcom.sun.management.jmxremote=true -Dcom.sun.management.jmxremote.authenticate=false -Dcom.sun.management.jmxremote.ssl=false}"
if [[ -n "${JMX_PORT:-}" ]]; then
  jmx_opts+=" -Dcom.sun.management.jmxremote.port=$JMX_PORT"
  # A fixed RMI port, so JMX works through a published container port.
  [[ "$jmx_opts" == *-Dcom.sun.management.jmxremote.rmi.port=* ]] || jmx_opts+=" -Dcom.sun.management.jmxremote.rmi.port=$JMX_PORT"
fi

# Tools log to stderr; a caller that sets KAFKA_LOG4J_OPTS (the broker) logs to files in LOG_DIR.
if [[ -z "${KAFKA_LOG4J_OPTS:-}" ]]; then
  log4j_opts="-Dlog4j.configuration=file:$base_dir/config/tools-log4j.properties"
else
  log4j_opts="$KAFKA_LOG4J_OPTS"
  mkdir -p "$log_dir"
fi

heap_opts="${KAFKA_HEAP_OPTS:--Xmx256M}"
performance_opts="${KAFKA_JVM_PERFORMANCE_OPTS:--server -XX:+UseG1GC -XX:MaxGCPauseMillis=20 -XX:InitiatingHeapOccupancyPercent=35 -XX:+ExplicitGCInvokesConcurrent -XX:MaxInlineLevel=15 -Djava.awt.headless=true}"
gc_log_opts="${KAFKA_GC_LOG_OPTS:-}"

daemon_name="" daemon=false loggc=false
while (($# > 0)); do
  case "$1" in
    -name) daemon_name="$2"; shift 2 ;;
    -loggc) loggc=true; shift ;;
    -daemon) daemon=true; shift ;;
    *) break ;;
  esac
done
if $loggc && [[ -z "$gc_log_opts" ]]; then
  gc_log_opts="-Xlog:gc*:file=$log_dir/$daemon_name-gc.log:time,tags:filecount=10,filesize=100M"
fi

# The option variables hold several words each: split on purpose, as the distribution does (but
# never globbed: -Xlog:gc* is an option, not a pattern).
set -f
# shellcheck disable=SC2206
command=("$java" $heap_opts $performance_opts $gc_log_opts $jmx_opts "-Dkafka.logs.dir=$log_dir" $log4j_opts
  -cp "$classpath" ${KAFKA_OPTS:-} "$@")
if $daemon; then
  mkdir -p "$log_dir"
  nohup "${command[@]}" >"$log_dir/$daemon_name.out" 2>&1 </dev/null &
else
  exec "${command[@]}"
fi
