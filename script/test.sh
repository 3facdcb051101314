#!/usr/bin/env bash
# Runs every test of the project against real servers that the tests start themselves. Installs
# nothing: run script/setup.sh once first (this script stops at the first missing piece and says so).
#  1. linters: ruff and shellcheck (script/lint.sh);
#  2. Java: unit tests, then integration tests (*IT) of the task jars against a real Kafka broker,
#     Cassandra node and Spark standalone master + worker, the whole pipeline last (pipeline-tests);
#     `mvn install`, so the steps below take the jars and test-support from this one build;
#  3. the fault loop: one random fault in each of 5 runs, every run's data exact (script/fault-loop.sh);
#  4. the DAG as Airflow parses it, docker-compose.yml as Compose v2 reads it, and on the real engine
#     the socket proxy, Postgres's first start, HDFS and Redis and the leftover cleanup (pytest; the images they run
#     are built just before, by script/offline-images.sh);
#  5. end to end: a real Airflow runs the three images in a real Docker engine (script/e2e.sh);
#  6. the compose stack as users start it, with the offline image set: scheduler, REST API, CQL,
#     a fault, and a person in Chromium (script/compose-e2e.sh);
#  7. the cluster profile (3 nodes of every engine) from nothing, with one node of each kind killed
#     during a run, nodes down throughout and the scheduler restarted; every run exact
#     (script/cluster-e2e.sh, docs/scaling.md).
# Arguments go to the Maven build of step 2. With CI=true (as CI runs it) every Docker step runs on
# an empty engine of the tests' own (script/docker-engine.sh fresh): each image is built from
# nothing, so no step can pass on what an earlier run left behind. Each step logs its time.
set -euo pipefail
cd "$(dirname "$0")/.."

# Everything installed, before the first long step.
venv="$(script/airflow-venv.sh --check)"
SPARK_HOME="$(script/install-spark.sh --check)"
export SPARK_HOME
docker_cli="$(script/docker-engine.sh cli)"
script/install-compose.sh --check "$docker_cli"

# Started first, so that a refused engine stops the run before the long steps.
engine=start
[[ "${CI:-}" != true ]] || engine=fresh
docker="$(script/docker-engine.sh "$engine")"
# A dockerd started for the tests does not outlive them.
trap 'script/docker-engine.sh stop' EXIT

step() {
  local started=$SECONDS
  echo "test: $* ..." >&2
  "$@"
  echo "test: $* took $((SECONDS - started)) s" >&2
}
step script/lint.sh
step mvn -B install "$@"
# Small in CI: every fault kind once. FAULT_LOOP_SEED replays a run's faults.
FAULT_LOOP_RUNS="${FAULT_LOOP_RUNS:-5}" step script/fault-loop.sh
# The pytest step drives the real engine with the base images and the proxy's and Postgres's
# stand-ins: built here, not left from before (compose-e2e then finds them all built).
step script/offline-images.sh
DOCKER="$docker" step "$venv/bin/pytest" -v -p no:cacheprovider tests --ignore=tests/e2e --ignore=tests/stack
step script/e2e.sh
step script/compose-e2e.sh
step script/cluster-e2e.sh
