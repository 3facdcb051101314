#!/usr/bin/env bash
# End to end: a real Airflow 3 (`airflow dags test`, then `airflow tasks test` for single-task
# reruns) runs users_pipeline's three images in a real Docker engine against a real Kafka broker,
# Cassandra node and Spark master + worker that the tests start (tests/e2e). Installs what is
# missing (Docker engine, base images, Airflow's Python environment), builds the jars and images.
# The last line is the first run's outcome:
#   {"dag_run_state":"success","produced":N,"found":N,"seconds":S}
set -euo pipefail
cd "$(dirname "$0")/.."

script/setup.sh
SPARK_HOME="$(script/install-spark.sh)"
export SPARK_HOME
venv="$(script/airflow-venv.sh)"
# The jars for the images, test-support for the servers.
mvn -q install -DskipTests >&2
script/images.sh

result=target/e2e/result.json
rm -f "$result"
status=0
"$venv/bin/pytest" -v -p no:cacheprovider tests/e2e >&2 || status=$?
[[ -f "$result" ]] && { cat "$result"; echo; }
exit "$status"
