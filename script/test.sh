#!/usr/bin/env bash
# Runs every test of the project against real servers that the tests start themselves:
#  1. Java: unit tests, then integration tests (*IT) of the task jars against a real Kafka broker,
#     Cassandra node and Spark standalone master + worker (mvn verify);
#  2. the fault loop: one random fault in each of 5 runs, every run's data exact (script/fault-loop.sh);
#  3. the DAG as Airflow parses it, and docker-compose.yml as Compose v2 reads it (pytest);
#  4. end to end: a real Airflow runs the three images in a real Docker engine (script/e2e.sh);
#  5. the compose stack as users start it, with the offline image set: scheduler, REST API, CQL,
#     a fault, and a person in Chromium (script/compose-e2e.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
script/setup.sh
SPARK_HOME="$(script/install-spark.sh)"
export SPARK_HOME
mvn -B verify "$@"
# Small in CI: every fault kind once. FAULT_LOOP_SEED replays a run's faults.
FAULT_LOOP_RUNS="${FAULT_LOOP_RUNS:-5}" script/fault-loop.sh

venv="$(script/airflow-venv.sh)"
docker="$(script/docker-engine.sh)"
# A dockerd started for the tests does not outlive them.
trap 'script/docker-engine.sh stop' EXIT
script/install-compose.sh "$docker"
DOCKER="$docker" "$venv/bin/pytest" -v -p no:cacheprovider tests --ignore=tests/e2e --ignore=tests/stack
script/e2e.sh
script/compose-e2e.sh
