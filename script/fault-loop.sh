#!/usr/bin/env bash
# The fault loop (issue 12): FAULT_LOOP_RUNS runs (default 6) of the three task jars on one topic
# and one checkpoint, each with one fault at a random moment (Kafka restarted during fetch, an API
# burst of 429/5xx/stalls, Cassandra restarted during the job, the driver or an executor SIGKILLed),
# every task retried as Airflow retries it; then every run's ids must be exactly those fetch-users
# committed, in created_users and in users_by_run. FAULT_LOOP_SEED (default: the time) replays the
# same faults, moments and run sizes. Prints the fault matrix (Markdown) last.
set -euo pipefail
cd "$(dirname "$0")/.."
runs="${FAULT_LOOP_RUNS:-6}"
seed="${FAULT_LOOP_SEED:-$(date +%s)}"
[[ "$runs" =~ ^[1-9][0-9]*$ ]] || { echo "fault-loop: FAULT_LOOP_RUNS must be a positive integer, got '$runs'" >&2; exit 2; }
[[ "$seed" =~ ^-?[0-9]+$ ]] || { echo "fault-loop: FAULT_LOOP_SEED must be an integer, got '$seed'" >&2; exit 2; }

SPARK_HOME="$(script/install-spark.sh --check)"
export SPARK_HOME
echo "fault-loop: $runs runs, seed $seed" >&2
matrix=pipeline-tests/target/fault-loop/fault-matrix.md
rm -f "$matrix"
status=0
# pipeline-tests and the modules it needs are packaged (-am: the loop runs the task jars); only FaultLoopIT runs.
mvn -B verify -pl pipeline-tests -am -Dtest=None -Dsurefire.failIfNoSpecifiedTests=false -Dit.test=FaultLoopIT \
  -Dfailsafe.failIfNoSpecifiedTests=false -Dfault-loop.runs="$runs" -Dfault-loop.seed="$seed" >&2 || status=$?
[[ -f "$matrix" ]] && cat "$matrix"
exit "$status"
