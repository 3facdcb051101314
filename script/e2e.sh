#!/usr/bin/env bash
# End to end: a real Airflow 3 (`airflow dags test`, then `airflow tasks test` for single-task
# reruns) runs users_pipeline's three images in a real Docker engine against a real Kafka broker,
# Cassandra node and Spark master + worker that the tests start (tests/e2e). Builds the base and
# task images (script/images.sh) from the jars of the last `mvn install`, which also installed
# test-support for the servers: script/test.sh runs it just before; alone, run
# `mvn install -DskipTests` first. Installs nothing (script/setup.sh does).
# The last line is the first run's outcome:
#   {"dag_run_state":"success","produced":N,"found":N,"seconds":S}
set -euo pipefail
cd "$(dirname "$0")/.."

SPARK_HOME="$(script/install-spark.sh --check)"
export SPARK_HOME
venv="$(script/airflow-venv.sh --check)"
script/images.sh

result=target/e2e/result.json
rm -f "$result"
status=0
"$venv/bin/pytest" -v -p no:cacheprovider tests/e2e >&2 || status=$?
[[ -f "$result" ]] && { cat "$result"; echo; }
exit "$status"
